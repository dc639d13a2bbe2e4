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
/// 2. it passes the **pasted-perturbation test**: each reconstruction's change from its start image
///    is added to `pastes` faces of other people (public faces; without a public split, private
///    test faces of other identities), and so is a *clean* change of the same size toward the
///    person: the start image moved the same share of the way to the person's mean training face
///    (the reconstruction's `movement`). A judge that reads the face gives both the same verdicts;
///    a judge that reads the attack's perturbation assigns the attack's pasted images to the
///    target more often. It fails when the excess (pastes where only the attack's change is
///    assigned to the target, minus pastes where only the clean change is, per paste) exceeds
///    chance (1/K) and a sign test on those discordant pastes is significant (the 95 % Wilson
///    lower bound of the attack's share of them exceeds 1/2). A judge is only valid when this test
///    ran: an attack result without start images, or a trial without faces of other people to
///    paste on, leaves every judge untested and so not valid (the trial has no verdict);
/// 3. it recognises real faces: top-1 accuracy at least 0.5 on the private test split.
///
/// **Consensus**: `JudgeConsensus.vote` of the valid judges per reconstruction (majority; an even
/// split counts half); NaN without a valid judge. Across a run only judges valid in every trial
/// count (`JudgeConsensus.apply`).
struct PanelVerdicts {
    struct Verdict {
        var name: String
        var isTarget: Bool
        /// Rank of the target class per identity (selected reconstruction) and per attempt.
        var selectedRanks: [Int]
        var attemptRanks: [Int]
        /// Pasted images assigned to their reconstruction's target: the attack's change and the
        /// clean control of the same movement, of `transferTrials` each.
        var transferHits: Int
        var controlHits: Int
        var transferTrials: Int
        /// Pastes where only the attack's change (only the control) was assigned to the target.
        var attackOnly: Int
        var controlOnly: Int
        /// Top-1 accuracy on the private test split (NaN without test images).
        var cleanAccuracy: Double
        var valid: Bool

        /// The attack's transfer minus the control's, per paste.
        var excessTransfer: Double {
            transferTrials > 0 ? Double(attackOnly - controlOnly) / Double(transferTrials) : .nan
        }
    }

    static let pastes = 5
    static let minimumCleanAccuracy = 0.5

    var verdicts: [Verdict]
    var classes: Int
    /// Per attacked identity: the share of the way from its start image to the target's mean
    /// training face that the reconstruction moved (projection; NaN without a start image).
    var movement: [Double]
    /// Per attacked identity: the target's mean private training face (nil without images).
    var means: [[Float]?]

    var validJudges: [Verdict] { verdicts.filter(\.valid) }

    /// Per row (identity or attempt), the vote of the valid judges on whether the target ranks below `k`.
    func consensus(_ ranks: (Verdict) -> [Int], rows: Int, k: Int) -> [Double] {
        let lists = validJudges.map(ranks)
        return (0..<rows).map { row in JudgeConsensus.vote(lists.map { row < $0.count && $0[row] < k }) }
    }

    /// The panel's verdicts for `input`, computed once per trial.
    static func of(_ input: MetricInput) -> PanelVerdicts {
        input.trialMemo.value("panel_verdicts") { compute(input) }
    }

    static func compute(_ input: MetricInput) -> PanelVerdicts {
        let attack = input.attack
        let classes = input.data.classes
        let means: [[Float]?] = attack.targets.map { target in
            let mean: [Float] = input.memo.value("private_train:mean:\(target)") { meanFace(input.data.privateTrain.images(ofClass: target)) ?? [] }
            return mean.isEmpty ? nil : mean
        }
        let movement = movements(attack, means: means)
        let pasted = pastedImages(input, movement: movement, means: means)
        let test = input.data.privateTest
        let attemptsAreSelected = attack.restarts <= 1 && attack.attempts.shape == attack.reconstructions.shape
            && attack.attempts.scalars == attack.reconstructions.scalars
        let verdicts = input.judges.map { judge -> Verdict in
            let selected = flatRows(judge.judge.scores(attack.reconstructions))
            let selectedRanks = attack.targets.enumerated().map { rank(of: $0.element, in: selected[$0.offset]) }
            let attemptRanks: [Int]
            if attemptsAreSelected {
                attemptRanks = selectedRanks
            } else {
                let scores = flatRows(judge.judge.scores(attack.attempts))
                attemptRanks = attack.attemptTargets.enumerated().map { row, target in row < scores.count ? rank(of: target, in: scores[row]) : classes }
            }
            var attackHits: [Bool] = [], controlHits: [Bool] = []
            if let pasted {
                attackHits = zip(flatRows(judge.judge.scores(pasted.attack)), pasted.targets).map { rank(of: $0.1, in: $0.0) == 0 }
                controlHits = zip(flatRows(judge.judge.scores(pasted.control)), pasted.targets).map { rank(of: $0.1, in: $0.0) == 0 }
            }
            var clean = Double.nan
            if test.count > 0 {
                let predicted = judge.judge.scores(test.images).argmaxRows()
                clean = Double(zip(predicted, test.labels).filter { $0 == $1 }.count) / Double(test.count)
            }
            let attackOnly = zip(attackHits, controlHits).filter { $0 && !$1 }.count
            let controlOnly = zip(attackHits, controlHits).filter { !$0 && $1 }.count
            var verdict = Verdict(name: judge.name, isTarget: judge.isTarget, selectedRanks: selectedRanks, attemptRanks: attemptRanks,
                                  transferHits: attackHits.filter { $0 }.count, controlHits: controlHits.filter { $0 }.count,
                                  transferTrials: attackHits.count, attackOnly: attackOnly, controlOnly: controlOnly,
                                  cleanAccuracy: clean, valid: false)
            let fooled = verdict.excessTransfer > 1 / Double(max(classes, 1))
                && WilsonInterval.bounds(successes: attackOnly, trials: attackOnly + controlOnly).lower > 0.5
            let recognises = clean.isNaN || clean >= minimumCleanAccuracy
            // A judge whose pasted-perturbation test could not run (no start images, no faces of
            // other people) has not been shown to read faces: it is not valid.
            let tested = verdict.transferTrials > 0
            verdict.valid = !judge.isTarget && tested && !fooled && recognises
            return verdict
        }
        return PanelVerdicts(verdicts: verdicts, classes: classes, movement: movement, means: means)
    }

    /// Per identity, the projection of the reconstruction's change on (mean face − start), as a
    /// share of that direction's length.
    static func movements(_ attack: AttackResult, means: [[Float]?]) -> [Double] {
        guard let starts = attack.starts, starts.shape == attack.reconstructions.shape, !attack.targets.isEmpty else {
            return Array(repeating: .nan, count: attack.targets.count)
        }
        let size = attack.reconstructions.count / attack.targets.count
        let start = starts.scalars, reconstruction = attack.reconstructions.scalars
        return attack.targets.indices.map { row in
            guard let mean = means[row] else { return .nan }
            var dot = 0.0, norm = 0.0
            for k in 0..<size {
                let direction = Double(mean[k] - start[row * size + k])
                dot += Double(reconstruction[row * size + k] - start[row * size + k]) * direction
                norm += direction * direction
            }
            return norm > 0 ? dot / norm : .nan
        }
    }

    /// Start images moved `amount(row)` of the way to each target's mean face (clamped to [0, 1]
    /// in amount and pixels); the start itself where the amount or the mean is unknown.
    static func interpolations(_ attack: AttackResult, means: [[Float]?], amount: (Int) -> Double) -> Tensor {
        let starts = attack.starts ?? attack.reconstructions
        let size = attack.reconstructions.count / max(attack.targets.count, 1)
        let start = starts.scalars
        var scalars = [Float](repeating: 0, count: attack.targets.count * size)
        for row in attack.targets.indices {
            let value = amount(row)
            let a = Float(value.isNaN ? 0 : min(1, max(0, value)))
            for k in 0..<size {
                let s = start[row * size + k]
                scalars[row * size + k] = min(1, max(0, s + a * ((means[row]?[k] ?? s) - s)))
            }
        }
        return Tensor(shape: attack.reconstructions.shape, scalars: scalars)
    }

    /// Each reconstruction's change from its start, and the clean change of the same movement,
    /// added to the same `pastes` faces of other people (clamped to [0, 1]), with the
    /// reconstruction's target; nil when the attack reported no starts.
    static func pastedImages(_ input: MetricInput, movement: [Double], means: [[Float]?]) -> (attack: Tensor, control: Tensor, targets: [Int])? {
        let attack = input.attack
        guard let starts = attack.starts, starts.shape == attack.reconstructions.shape, !attack.targets.isEmpty else { return nil }
        let usePublic = input.data.publicSet.count > 0
        let pool = usePublic ? input.data.publicSet : input.data.privateTest
        guard pool.count > 0 else { return nil }
        var generator = SeededGenerator(seed: input.seed).fork("pasted-perturbation")
        let size = attack.reconstructions.count / attack.targets.count
        let change = (attack.reconstructions - starts).scalars
        let clean = (interpolations(attack, means: means) { movement[$0] } - starts).scalars
        let faces = pool.images.scalars
        var attackImages: [Float] = [], controlImages: [Float] = [], targets: [Int] = []
        for (row, target) in attack.targets.enumerated() {
            let candidates = usePublic ? Array(0..<pool.count) : pool.labels.indices.filter { pool.labels[$0] != target }
            guard !candidates.isEmpty else { continue }
            for _ in 0..<pastes {
                let face = candidates[generator.nextInt(below: candidates.count)]
                for k in 0..<size {
                    attackImages.append(min(1, max(0, faces[face * size + k] + change[row * size + k])))
                    controlImages.append(min(1, max(0, faces[face * size + k] + clean[row * size + k])))
                }
                targets.append(target)
            }
        }
        guard !targets.isEmpty else { return nil }
        let shape = [targets.count] + Array(attack.reconstructions.shape.dropFirst())
        return (Tensor(shape: shape, scalars: attackImages), Tensor(shape: shape, scalars: controlImages), targets)
    }

    /// The mean of a class's images as flat scalars, nil without images.
    static func meanFace(_ images: Tensor) -> [Float]? {
        guard images.shape[0] > 0 else { return nil }
        return (images.sum(alongAxis: 0) * (1 / Float(images.shape[0]))).scalars
    }
}
