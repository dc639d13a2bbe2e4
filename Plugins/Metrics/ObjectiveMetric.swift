import Foundation
import InvLabCore
import InvLabSpec

/// The attack objective (equation (1)) split into its identity and regularization terms, where
/// the attack started and where its selected reconstruction ended: the table-side record of
/// whether the attack made progress and which term drove it.
public struct ObjectiveMetric: MetricPlugin {
    public typealias Configuration = NoOptions

    public static let id = "objective"
    public static let summary = "The attack objective at the start and at the end, split into identity loss and regularization."
    public static let documentation = """
        Per attacked identity (its selected attempt): `objective_start` and `objective_end` are the whole objective \
        of equation (1) (weighted identity loss plus every weighted regularizer) at the start values and at the \
        kept values; `identity_loss_start`/`_end` its identity term, `regularization_start`/`_end` the sum of the \
        regularizer terms. An objective that did not fall means the attack made no progress (the run then warns, \
        naming the trial and the terms; `trials/NNNN/objective_terms.csv` lists every term by name). NaN for \
        attacks that do not report their objective.
        """
    public static let example = "type: objective"

    public init(configuration: Configuration, context: BuildContext) throws {}

    public var columns: [MetricColumn] { [
        MetricColumn("objective_start", "The attack objective at the start (weighted identity loss plus regularizers).", perIdentity: true,
                     presentation: .tableOnly),
        MetricColumn("objective_end", "The attack objective at the selected reconstruction.", perIdentity: true),
        MetricColumn("identity_loss_start", "The weighted identity loss at the start.", perIdentity: true, presentation: .tableOnly),
        MetricColumn("identity_loss_end", "The weighted identity loss at the selected reconstruction.", perIdentity: true, presentation: .tableOnly),
        MetricColumn("regularization_start", "The weighted regularizers' sum at the start.", perIdentity: true, presentation: .tableOnly),
        MetricColumn("regularization_end", "The weighted regularizers' sum at the selected reconstruction.", perIdentity: true, presentation: .tableOnly),
    ] }

    public func measure(_ input: MetricInput) throws -> [String: MetricValue] {
        let count = input.attack.targets.count
        guard let split = input.attack.objective else {
            return Dictionary(uniqueKeysWithValues: columns.map { ($0.name, MetricValue.perIdentity(Array(repeating: .nan, count: count))) })
        }
        func values(_ terms: [ObjectiveTerm], _ include: (ObjectiveTerm) -> Bool) -> [Double] {
            (0..<count).map { row in terms.filter(include).reduce(0.0) { $0 + Double(row < $1.values.count ? $1.values[row] : .nan) } }
        }
        let identity = { (term: ObjectiveTerm) in term.name == "identity_loss" }
        return [
            "objective_start": .perIdentity(values(split.start) { _ in true }),
            "objective_end": .perIdentity(values(split.end) { _ in true }),
            "identity_loss_start": .perIdentity(values(split.start, identity)),
            "identity_loss_end": .perIdentity(values(split.end, identity)),
            "regularization_start": .perIdentity(values(split.start) { !identity($0) }),
            "regularization_end": .perIdentity(values(split.end) { !identity($0) }),
        ]
    }
}
