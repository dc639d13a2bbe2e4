import Foundation
import InvLabCore
import InvLabSpec

/// The validity tests of every judge of the panel, as columns: the pasted-perturbation transfer
/// rate, the accuracy on clean private test faces, and whether the judge counts.
public struct JudgeValidityMetric: MetricPlugin {
    public struct Configuration: SpecConfig {
        public init() {}
        public static var fields: [SpecField<Self>] { [] }
    }

    public static let id = "judge_validity"
    public static let summary = "Per judge: the pasted-perturbation transfer rate and the accuracy on clean test faces (the validity tests)."
    public static let documentation = """
        The pasted-perturbation test (after the audit that found the evaluator fooled by transferred perturbations): \
        each reconstruction's change from its start image is added to 5 faces of other people (public faces, chosen \
        by the seed; private test faces of other identities without a public split), clamped to [0, 1]. \
        `transfer_<judge>` is the share of those images the judge assigns to the reconstruction's target; chance is \
        1/K. A judge that reads the attack's perturbation rather than a face scores far above chance. \
        `judge_accuracy_<judge>` is its top-1 accuracy on the private test faces. `valid_<judge>` is 1 when the judge \
        is not the target, the 95 % Wilson lower bound of its transfer rate is at most 2/K, and its clean accuracy \
        is at least 0.5 (`attack_accuracy` reports it as `valid_<judge>`); only valid judges decide `attack_top1`. \
        `transfer_chance` is 1/K.
        """
    public static let example = "type: judge_validity"

    public let judgeNames: [String]

    public var usesJudges: Bool { true }

    public init(configuration: Configuration, context: BuildContext) throws {
        judgeNames = context.judgeNames
    }

    public var columns: [MetricColumn] {
        judgeNames.flatMap { name in [
            MetricColumn("transfer_\(name)", "Share of pasted perturbations (on other people's faces) that judge '\(name)' assigns to the target.",
                         perIdentity: false),
            MetricColumn("judge_accuracy_\(name)", "Top-1 accuracy of judge '\(name)' on the private test faces.", perIdentity: false),
        ] } + [MetricColumn("transfer_chance", "Chance level of the transfer rate (1 / classes).", perIdentity: false)]
    }

    public func measure(_ input: MetricInput) throws -> [String: MetricValue] {
        let panel = PanelVerdicts.of(input)
        var values: [String: MetricValue] = ["transfer_chance": .trial(1 / Double(max(panel.classes, 1)))]
        for verdict in panel.verdicts {
            values["transfer_\(verdict.name)"] = .trial(verdict.transferTrials > 0 ? Double(verdict.transferHits) / Double(verdict.transferTrials) : .nan)
            values["judge_accuracy_\(verdict.name)"] = .trial(verdict.cleanAccuracy)
        }
        return values
    }
}
