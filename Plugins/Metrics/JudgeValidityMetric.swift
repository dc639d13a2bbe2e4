import Foundation
import InvLabCore
import InvLabSpec

/// The validity tests of every judge of the panel, as columns: the pasted-perturbation transfer
/// rate, the accuracy on clean private test faces, and whether the judge counts.
public struct JudgeValidityMetric: MetricPlugin {
    public typealias Configuration = NoOptions

    public static let id = "judge_validity"
    public static let summary = "Per judge: the pasted-perturbation transfer rate and the accuracy on clean test faces (the validity tests)."
    public static let documentation = """
        The pasted-perturbation test (after the audit that found the evaluator fooled by transferred perturbations): \
        each reconstruction's change from its start image is added to 5 faces of other people (public faces, chosen \
        by the seed; private test faces of other identities without a public split), clamped to [0, 1], and so is a \
        clean control: the start image moved as far toward the target's mean training face as the reconstruction \
        did (its `movement`), minus the start. `transfer_<judge>` is the share of the attack's pasted images the judge \
        assigns to the reconstruction's target, `transfer_control_<judge>` the share of the control's. A judge that \
        reads faces treats both alike (a reconstruction that really moved toward the person carries the person onto \
        the other face in both); a judge that reads the attack's perturbation favours the attack's. The judge fails \
        when the excess (pastes only the attack's image is assigned to the target, minus pastes only the control is, \
        per paste) exceeds chance 1/K and a sign test on those discordant pastes is significant (95 % Wilson lower \
        bound above 1/2). `judge_accuracy_<judge>` is its top-1 accuracy on the private test faces. A judge is valid \
        (`valid_<judge>`, reported by `attack_accuracy`) when it is not the target, passes this test (a test that \
        could not run, for want of start images or of other people's faces, is not passed) and scores at \
        least 0.5 on clean faces; only valid judges decide `attack_top1`. `transfer_chance` is 1/K.
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
                         perIdentity: false,
                     presentation: ColumnPresentation(plot: .panels([.transfer]),
                                                      judge: JudgeColumn(judge: name, heading: "transfer", rank: 2, chance: "transfer_chance"))),
            MetricColumn("transfer_control_\(name)", "The same share for a clean change of the same movement toward the target (the control).",
                         perIdentity: false, presentation: .tableOnly(judge: JudgeColumn(judge: name, heading: "transfer_control", rank: 3))),
            MetricColumn("judge_accuracy_\(name)", "Top-1 accuracy of judge '\(name)' on the private test faces.", perIdentity: false,
                     presentation: .tableOnly(judge: JudgeColumn(judge: name, heading: "judge_accuracy", rank: 4))),
            MetricColumn("judge_is_target_\(name)", "1 when judge '\(name)' is the attacked target itself (never valid).", perIdentity: false,
                         presentation: .tableOnly),
        ] } + [MetricColumn("pastes", "Pasted images per judge and kind (attack's change, control) in this trial.", perIdentity: false,
                            presentation: .tableOnly),
               MetricColumn("transfer_chance", "Chance level of the transfer rate (1 / classes).", perIdentity: false,
                     presentation: .tableOnly)]
    }

    public func measure(_ input: MetricInput) throws -> [String: MetricValue] {
        let panel = PanelVerdicts.of(input)
        var values: [String: MetricValue] = ["transfer_chance": .trial(1 / Double(max(panel.classes, 1))),
                                             "pastes": .trial(Double(panel.verdicts.first?.transferTrials ?? 0))]
        for verdict in panel.verdicts {
            values["transfer_\(verdict.name)"] = .trial(verdict.transferTrials > 0 ? Double(verdict.transferHits) / Double(verdict.transferTrials) : .nan)
            values["judge_accuracy_\(verdict.name)"] = .trial(verdict.cleanAccuracy)
            values["judge_is_target_\(verdict.name)"] = .trial(verdict.isTarget ? 1 : 0)
            values["transfer_control_\(verdict.name)"] = .trial(verdict.transferTrials > 0 ? Double(verdict.controlHits) / Double(verdict.transferTrials) : .nan)
        }
        return values
    }
}
