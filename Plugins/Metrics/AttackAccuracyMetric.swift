import Foundation
import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor

/// Attack success as the literature reports it: the separate evaluation classifier's verdict on
/// each reconstruction (Zhang et al. 2020 "Attack Acc", top-1 and top-5; the article's 79 %).
public struct AttackAccuracyMetric: MetricPlugin {
    public struct Configuration: SpecConfig {
        public var k = 5
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("k", \.k, doc: "The k of the top-k column `attack_top<k>`: a hit when the target class is among the evaluator's k highest logits.",
                      range: 2...1000),
        ] }
    }

    public static let id = "attack_accuracy"
    public static let summary = "Attack success judged by the evaluation classifier: top-1 and top-k on the selected attempt, top-1 over all attempts."
    public static let documentation = """
        Per attacked identity, the evaluation classifier (`evaluator:`, trained separately on the private \
        training split) classifies the selected reconstruction: `attack_top1` is 1 when its argmax (first on \
        ties) is the target class, `attack_top<k>` is 1 when the target is among its k highest logits (ties \
        broken by class index). The trial value is the mean over identities (the success rate), with its \
        standard deviation. `attack_top1_all_attempts` is, per identity, the share of all `restarts` attempts \
        that are top-1 hits: the mean over every attempt, not "any of k attempts succeeded". A reconstruction \
        with a non-finite target logit counts as a miss.
        """
    public static let example = """
        type: attack_accuracy
        k: 5
        """

    public let k: Int

    public init(configuration: Configuration, context: BuildContext) throws {
        k = configuration.k
    }

    public var columns: [MetricColumn] { [
        MetricColumn("attack_top1", "Share of attacked identities whose selected reconstruction the evaluation classifier assigns to the target (top-1).",
                     perIdentity: true),
        MetricColumn("attack_top\(k)", "Share of attacked identities whose selected reconstruction has the target among the evaluation classifier's \(k) highest scores.",
                     perIdentity: true),
        MetricColumn("attack_top1_all_attempts", "Top-1 success averaged over every attempt (all restarts), not only the selected one.",
                     perIdentity: true),
    ] }

    public func measure(_ input: MetricInput) throws -> [String: MetricValue] {
        let attack = input.attack
        let selected = EvaluatorView.logits(input.evaluator, attack.reconstructions)
        let selectedRanks = attack.targets.enumerated().map { rank(of: $0.element, in: selected[$0.offset]) }
        // With one attempt per identity the attempts are the selected reconstructions.
        let attempts = attack.restarts <= 1 && attack.attempts.shape == attack.reconstructions.shape
            && attack.attempts.scalars == attack.reconstructions.scalars
            ? selected : EvaluatorView.logits(input.evaluator, attack.attempts)
        let perAttempt = max(attack.restarts, 1)
        let allAttempts: [Double] = attack.targets.indices.map { row in
            let rows = (row * perAttempt)..<min((row + 1) * perAttempt, attempts.count)
            guard !rows.isEmpty else { return .nan }
            let hits = rows.filter { rank(of: attack.targets[row], in: attempts[$0]) == 0 }.count
            return Double(hits) / Double(rows.count)
        }
        return [
            "attack_top1": .perIdentity(selectedRanks.map { $0 == 0 ? 1 : 0 }),
            "attack_top\(k)": .perIdentity(selectedRanks.map { $0 < k ? 1 : 0 }),
            "attack_top1_all_attempts": .perIdentity(allAttempts),
        ]
    }
}
