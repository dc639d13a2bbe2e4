import Foundation
import InvLabCore
import InvLabNN
import InvLabTensor

/// What the judge panel says about one trial: each judge's verdicts on the reconstructions, its
/// validity tests, and the consensus of the valid judges. Computed once per trial (`trialMemo`)
/// and shared by `attack_accuracy`, `judge_validity` and `judge_dose`.
///
/// **Validity** (documented rule, the same for every judge and trial): a judge is valid when
/// 1. it is not the attacked target;
/// 2. the **pasted-perturbation test** finds no transfer: each reconstruction's change from its
///    start image, added to `pastes` other people's faces (public faces; without a public split,
///    private test faces of other identities), must not carry the target's identity. The share of
///    pasted images the judge assigns to the target must not be demonstrably above twice chance:
///    the lower bound of its 95 % Wilson interval is at most 2/K (K classes);
/// 3. it recognises real faces: its top-1 accuracy on the private test split is at least 0.5.
///
/// **Consensus**: a reconstruction counts as a success when a majority of the valid judges rank
/// its target first (top-k: among their k first), as a failure when a majority do not, and as
/// half a success on a tie (possible with an even number of valid judges), so that ties bias the
/// headline neither up nor down. With no valid judge the headline is NaN (missing), never a number
/// from an invalid judge.
struct PanelVerdicts {
    struct Verdict {
        var name: String
        var isTarget: Bool
        /// Rank of the target class per identity (selected reconstruction) and per attempt.
        var selectedRanks: [Int]
        var attemptRanks: [Int]
        /// Pasted images assigned to their reconstruction's target, of `transferTrials`.
        var transferHits: Int
        var transferTrials: Int
        /// Top-1 accuracy on the private test split (NaN without test images).
        var cleanAccuracy: Double
        var valid: Bool
    }

    static let pastes = 5
    static let minimumCleanAccuracy = 0.5

    var verdicts: [Verdict]
    var classes: Int

    var validJudges: [Verdict] { verdicts.filter(\.valid) }

    /// Per row (identity or attempt), 1 when a majority of the valid judges rank the target below
    /// `k`, 0 when a majority do not, 0.5 on a tie, NaN when no judge is valid.
    func consensus(_ ranks: (Verdict) -> [Int], rows: Int, k: Int) -> [Double] {
        let valid = validJudges
        guard !valid.isEmpty else { return Array(repeating: .nan, count: rows) }
        let lists = valid.map(ranks)
        return (0..<rows).map { row in JudgeConsensus.vote(lists.map { row < $0.count && $0[row] < k }) }
    }

    /// The panel's verdicts for `input`, computed once per trial.
    static func of(_ input: MetricInput) -> PanelVerdicts {
        input.trialMemo.value("panel_verdicts") { compute(input) }
    }

    static func compute(_ input: MetricInput) -> PanelVerdicts {
        let attack = input.attack
        let classes = input.data.classes
        let pasted = pastedImages(input)
        let test = input.data.privateTest
        let attemptsAreSelected = attack.restarts <= 1 && attack.attempts.shape == attack.reconstructions.shape
            && attack.attempts.scalars == attack.reconstructions.scalars
        let verdicts = input.judges.map { judge -> Verdict in
            let selected = rows(judge.judge.scores(attack.reconstructions))
            let selectedRanks = attack.targets.enumerated().map { rank(of: $0.element, in: selected[$0.offset]) }
            let attemptRanks: [Int]
            if attemptsAreSelected {
                attemptRanks = selectedRanks
            } else {
                let scores = rows(judge.judge.scores(attack.attempts))
                attemptRanks = attack.attemptTargets.enumerated().map { row, target in row < scores.count ? rank(of: target, in: scores[row]) : classes }
            }
            var hits = 0
            if let pasted {
                let scores = rows(judge.judge.scores(pasted.images))
                hits = zip(scores, pasted.targets).filter { rank(of: $0.1, in: $0.0) == 0 }.count
            }
            var clean = Double.nan
            if test.count > 0 {
                let predicted = judge.judge.scores(test.images).argmaxRows()
                clean = Double(zip(predicted, test.labels).filter { $0 == $1 }.count) / Double(test.count)
            }
            let trials = pasted?.targets.count ?? 0
            let transferFails = trials > 0 && WilsonInterval.bounds(successes: hits, trials: trials).lower > 2 / Double(max(classes, 1))
            let recognises = clean.isNaN || clean >= minimumCleanAccuracy
            return Verdict(name: judge.name, isTarget: judge.isTarget, selectedRanks: selectedRanks, attemptRanks: attemptRanks,
                           transferHits: hits, transferTrials: trials, cleanAccuracy: clean,
                           valid: !judge.isTarget && !transferFails && recognises)
        }
        return PanelVerdicts(verdicts: verdicts, classes: classes)
    }

    /// Each reconstruction's change from its start added to `pastes` faces of other people,
    /// clamped to [0, 1], with the reconstruction's target; nil when the attack reported no starts.
    static func pastedImages(_ input: MetricInput) -> (images: Tensor, targets: [Int])? {
        let attack = input.attack
        guard let starts = attack.starts, starts.shape == attack.reconstructions.shape, !attack.targets.isEmpty else { return nil }
        let usePublic = input.data.publicSet.count > 0
        let pool = usePublic ? input.data.publicSet : input.data.privateTest
        guard pool.count > 0 else { return nil }
        var generator = SeededGenerator(seed: input.seed).fork("pasted-perturbation")
        let size = attack.reconstructions.count / attack.targets.count
        let change = (attack.reconstructions - starts).scalars
        let faces = pool.images.scalars
        var images: [Float] = [], targets: [Int] = []
        for (row, target) in attack.targets.enumerated() {
            let candidates = usePublic ? Array(0..<pool.count) : pool.labels.indices.filter { pool.labels[$0] != target }
            guard !candidates.isEmpty else { continue }
            for _ in 0..<pastes {
                let face = candidates[generator.nextInt(below: candidates.count)]
                for k in 0..<size { images.append(min(1, max(0, faces[face * size + k] + change[row * size + k]))) }
                targets.append(target)
            }
        }
        guard !targets.isEmpty else { return nil }
        return (Tensor(shape: [targets.count] + Array(attack.reconstructions.shape.dropFirst()), scalars: images), targets)
    }

    static func rows(_ scores: Tensor) -> [[Float]] { flatRows(scores) }
}
