import Foundation
import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor

/// Attack success as the literature reports it (Zhang et al. 2020 "Attack Acc", top-1 and
/// top-5; the article's 79 %), decided by the validated judge panel (`PanelVerdicts`).
public struct AttackAccuracyMetric: MetricPlugin {
    public struct Configuration: SpecConfig {
        public var k = 5
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("k", \.k, doc: "The k of the top-k column `attack_top<k>`: a hit when the target class is among a judge's k highest scores.",
                      range: 2...1000),
        ] }
    }

    public static let id = "attack_accuracy"
    public static let summary = "Attack success judged by the validated judge panel: consensus top-1 and top-k, each judge's own top-1."
    public static let documentation = """
        Every judge of the panel (`judges:`; by default the evaluator, an adversarially trained copy, a ResNet at \
        half resolution and Fisherfaces) classifies each selected reconstruction. A judge counts only when it passes \
        the validity tests (not the target; the pasted-perturbation test of `judge_validity`: the change a \
        reconstruction made to its start image, added to other people's faces, must not be assigned to the target \
        more often than a clean change of the same movement toward the person, and a judge this test could not be run \
        on, for want of start images, does not count; at least 0.5 top-1 accuracy on the \
        private test faces). `attack_top1` is 1 for an identity when a majority of the valid judges rank \
        the target first (argmax, first on ties), 0 when a majority do not, and 0.5 when they split evenly; \
        `attack_top<k>` likewise for the k first; with no valid judge the value is NaN. Across a run (a sweep), \
        only judges valid in every completed trial decide the headline, so that all rows are judged by the same \
        panel (`JudgeConsensus`: rows are recomputed from the per-judge columns when a trial invalidates a judge; \
        `judges_valid` then counts the judges valid in the whole run, `valid_<judge>` stays per trial). `attack_top1_all_attempts` is \
        the consensus top-1 share over every attempt (all restarts). `attack_top1_<judge>` is each judge's own \
        verdict, valid or not, and `judges_valid` the number of judges that passed. A reconstruction with a \
        non-finite target score counts as a miss.
        """
    public static let example = """
        type: attack_accuracy
        k: 5
        """

    public let k: Int
    public let judgeNames: [String]

    public var usesJudges: Bool { true }

    public init(configuration: Configuration, context: BuildContext) throws {
        k = configuration.k
        judgeNames = context.judgeNames
    }

    public var columns: [MetricColumn] {
        [
            MetricColumn("attack_top1", "Share of attacked identities whose selected reconstruction a majority of the valid judges assign to the target (top-1; an even split counts half).",
                         perIdentity: true,
                     presentation: ColumnPresentation(plot: .panels([.figure5, .attackSuccess]), summary: true, headlineRank: 0, interval: true)),
            MetricColumn("attack_top\(k)", "Share of attacked identities whose target a majority of the valid judges rank among their \(k) highest scores (an even split counts half).",
                         perIdentity: true,
                     presentation: ColumnPresentation(plot: .panels([.attackSuccess]), summary: true, interval: true)),
            MetricColumn("attack_top1_all_attempts", "Consensus top-1 success averaged over every attempt (all restarts), not only the selected one.",
                         perIdentity: true,
                     presentation: ColumnPresentation(plot: .panels([.attackSuccess]), interval: true)),
        ] + [MetricColumn("judges_valid", "Number of judges that passed the validity tests (they decide attack_top1).", perIdentity: false,
                     presentation: ColumnPresentation(plot: .none, summary: true))]
          + judgeNames.flatMap { name in [
            MetricColumn("attack_top1_\(name)", "Top-1 success as judge '\(name)' alone sees it (valid or not).", perIdentity: true,
                     presentation: ColumnPresentation(plot: .panels([.judges]), interval: true,
                                                      judge: JudgeColumn(judge: name, heading: "attack_top1", rank: 1))),
            MetricColumn("attack_top\(k)_\(name)", "Top-\(k) success as judge '\(name)' alone sees it.", perIdentity: true,
                     presentation: .tableOnly(judge: JudgeColumn(judge: name))),
            MetricColumn("attack_top1_all_attempts_\(name)", "Top-1 success of judge '\(name)' averaged over every attempt.", perIdentity: true,
                     presentation: .tableOnly(judge: JudgeColumn(judge: name))),
            MetricColumn("valid_\(name)", "1 when judge '\(name)' passed this trial's validity tests, else 0.", perIdentity: false,
                     presentation: .tableOnly(judge: JudgeColumn(judge: name, heading: "valid", rank: 5, flag: true))),
          ] }
    }

    public func measure(_ input: MetricInput) throws -> [String: MetricValue] {
        let attack = input.attack
        let panel = PanelVerdicts.of(input)
        let identities = attack.targets.count
        let perAttempt = max(attack.restarts, 1)
        let attempts = panel.consensus(\.attemptRanks, rows: identities * perAttempt, k: 1)
        let allAttempts: [Double] = (0..<identities).map { row in
            let rows = (row * perAttempt)..<min((row + 1) * perAttempt, attempts.count)
            guard !rows.isEmpty else { return .nan }
            let values = rows.map { attempts[$0] }
            return values.contains { $0.isNaN } ? .nan : values.reduce(0, +) / Double(values.count)
        }
        var values: [String: MetricValue] = [
            "attack_top1": .perIdentity(panel.consensus(\.selectedRanks, rows: identities, k: 1)),
            "attack_top\(k)": .perIdentity(panel.consensus(\.selectedRanks, rows: identities, k: k)),
            "attack_top1_all_attempts": .perIdentity(allAttempts),
            "judges_valid": .trial(Double(panel.validJudges.count)),
        ]
        for verdict in panel.verdicts {
            values["attack_top1_\(verdict.name)"] = .perIdentity(verdict.selectedRanks.map { $0 == 0 ? 1 : 0 })
            values["attack_top\(k)_\(verdict.name)"] = .perIdentity(verdict.selectedRanks.map { $0 < k ? 1 : 0 })
            values["attack_top1_all_attempts_\(verdict.name)"] = .perIdentity((0..<identities).map { row in
                let rows = (row * perAttempt)..<min((row + 1) * perAttempt, verdict.attemptRanks.count)
                return rows.isEmpty ? .nan : Double(rows.filter { verdict.attemptRanks[$0] == 0 }.count) / Double(rows.count)
            })
            values["valid_\(verdict.name)"] = .trial(verdict.valid ? 1 : 0)
        }
        return values
    }
}
