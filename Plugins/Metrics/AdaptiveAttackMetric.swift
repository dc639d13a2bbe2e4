import Foundation
import InvLabAttacks
import InvLabCore
import InvLabDummyRecognizer
import InvLabSpec

/// What an adaptive attack on the dummy-recognizer defense (`lambda_aware`, `surrogate`) found out:
/// its lambda estimate against the defense's true lambda, the queries it spent on the published
/// model, and (for `surrogate`) how often its student agrees with f on the private test faces.
public struct AdaptiveAttackMetric: MetricPlugin {
    public typealias Configuration = NoOptions

    public static let id = "adaptive_attack"
    public static let summary = "Lambda estimate of an adaptive attack vs the defense's true lambda, its queries, and the surrogate student's agreement with f."
    public static let documentation = """
        For the adaptive attacks on the dummy-recognizer defense (`lambda_aware`, `surrogate`; threat model in their \
        documentation: Kerckhoffs, Carlini et al. 2019, Tramer et al. 2020). `lambda_estimate` is the attack's \
        estimate from its probe; `lambda_true` the lambda of the published `dummy_recognizer` model (its \
        `MixtureWeight` attachment, which output defenses wrapped around it pass through), read here for the report \
        only (the attack never sees it; empty without a dummy recognizer); `lambda_error` = |estimate - true|; \
        `adaptive_queries` the probe's queries to the published model in the trial; `student_agreement` (surrogate \
        only) the share of private test faces on which the student's top class equals f's (the undefended model's). \
        The attack leaves its report in process memory keyed by its result: a result resumed from disk, or of \
        another attack, gives empty values.
        """
    public static let example = "type: adaptive_attack"

    public init(configuration: Configuration, context: BuildContext) throws {}

    public var columns: [MetricColumn] { [
        MetricColumn("lambda_estimate", "The adaptive attack's estimate of the defense's lambda (from its probe queries).", perIdentity: false),
        MetricColumn("lambda_true", "The published dummy-recognizer model's lambda (report only; empty for other models).", perIdentity: false),
        MetricColumn("lambda_error", "|lambda_estimate - lambda_true|.", perIdentity: false),
        MetricColumn("adaptive_queries", "Queries the adaptive attack's probe spent on the published model in the trial.", perIdentity: false),
        MetricColumn("student_agreement", "Share of private test faces on which the surrogate student's top class equals f's (surrogate only).", perIdentity: false),
    ] }

    public func measure(_ input: MetricInput) throws -> [String: MetricValue] {
        let report = AdaptiveAttackReports.shared.report(for: input.attack)
        let estimate = report?.estimate.lambda ?? .nan
        let truth = input.published.attachment(MixtureWeight.self)?.lambda ?? .nan
        var agreement = Double.nan
        if let student = report?.student, input.data.privateTest.count > 0 {
            let faces = input.data.privateTest.images
            let fromStudent = student.predict(faces).argmaxRows()
            let fromF = input.undefended.predictions(faces)
            agreement = Double(zip(fromStudent, fromF).filter { $0 == $1 }.count) / Double(fromF.count)
        }
        return [
            "lambda_estimate": .trial(estimate),
            "lambda_true": .trial(truth),
            "lambda_error": .trial(abs(estimate - truth)),
            "adaptive_queries": .trial(report.map { Double($0.estimate.queries) } ?? .nan),
            "student_agreement": .trial(agreement),
        ]
    }
}
