import Foundation
import InvLabNN
import InvLabTensor

/// What an attack (and its regularisers' preparation) may use besides the published model:
/// the public data, which classes to attack, caches and progress, and a seed.
public struct AttackResources {
    public var data: ExperimentData
    /// The classes to reconstruct, one reconstruction each (identities of the private set).
    public var targets: [Int]
    public var environment: RunEnvironment
    public var seed: UInt64
    /// Registries, for plugins that build nested plugins at run time.
    public var registries: Registries
    /// Set when `targets` is one chunk of a trial's identities (a work unit of a sharded run):
    /// an attack that `splitsByIdentity` draws its random values for all of the trial's
    /// identities and keeps the chunk's, so that a reconstruction does not depend on chunking.
    public var chunk: IdentityChunk?

    public init(data: ExperimentData, targets: [Int], environment: RunEnvironment, seed: UInt64, registries: Registries,
                chunk: IdentityChunk? = nil) {
        self.data = data
        self.targets = targets
        self.environment = environment
        self.seed = seed
        self.registries = registries
        self.chunk = chunk
    }
}

/// A contiguous part of a trial's attacked identities: `allTargets[positions]` are attacked.
public struct IdentityChunk: Sendable, Equatable {
    public var allTargets: [Int]
    public var positions: Range<Int>

    public init(allTargets: [Int], positions: Range<Int>) {
        self.allTargets = allTargets
        self.positions = positions
    }

    public var targets: [Int] { Array(allTargets[positions]) }

    /// The rows of this chunk in an identity-major batch of all targets with `restarts` rows each.
    public func rows(restarts: Int) -> [Int] { Array((positions.lowerBound * restarts)..<(positions.upperBound * restarts)) }
}

/// The outcome of an attack on a batch of identities.
///
/// With `restarts: k`, every identity gets k attempts (`attempts`, identity-major: the k
/// attempts of identity i are rows `i*k ..< (i+1)*k`); `reconstructions` holds the attempt the
/// attacked model scores highest. Metrics report the selected attempt and, kept apart, the mean
/// over all attempts.
public struct AttackResult: Sendable {
    public var targets: [Int]
    /// Selected reconstruction per identity, `I x C x H x W` in [0, 1].
    public var reconstructions: Tensor
    /// Every attempt, `I*k x C x H x W`.
    public var attempts: Tensor
    public var restarts: Int
    /// Index (0..<k) of the selected attempt per identity.
    public var selectedAttempt: [Int]
    /// The published model's probability of the target class, per attempt (identity-major).
    public var attemptConfidence: [Float]
    /// Objective value per identity (selected attempt), sampled along the iterations.
    public var lossCurves: [[Float]]
    /// Iterations at which `lossCurves` were sampled.
    public var lossCurveSteps: [Int]
    /// Model evaluations (forward passes, per image) spent per identity, all attempts included.
    public var queries: [Int]
    /// Iterations run per identity (early stopping may end identities early), max over attempts.
    public var iterations: [Int]
    public var seconds: Double
    /// The image each selected reconstruction started from (`I x C x H x W`, the decoded start
    /// for latent searches): the baseline of similarity metrics and the origin of the change
    /// that the pasted-perturbation test moves onto other faces. Nil when an attack cannot say.
    public var starts: Tensor?
    /// The objective split into its terms at the start and at the selected reconstruction, per
    /// identity (nil when an attack cannot say).
    public var objective: ObjectiveSplit?

    public init(targets: [Int], reconstructions: Tensor, attempts: Tensor, restarts: Int, selectedAttempt: [Int],
                attemptConfidence: [Float], lossCurves: [[Float]], lossCurveSteps: [Int], queries: [Int],
                iterations: [Int], seconds: Double, starts: Tensor? = nil, objective: ObjectiveSplit? = nil) {
        self.starts = starts
        self.objective = objective
        self.targets = targets
        self.reconstructions = reconstructions
        self.attempts = attempts
        self.restarts = restarts
        self.selectedAttempt = selectedAttempt
        self.attemptConfidence = attemptConfidence
        self.lossCurves = lossCurves
        self.lossCurveSteps = lossCurveSteps
        self.queries = queries
        self.iterations = iterations
        self.seconds = seconds
    }

    /// Target-class confidence of the selected attempt per identity.
    public var targetConfidence: [Float] {
        selectedAttempt.enumerated().map { attemptConfidence[$0.offset * restarts + $0.element] }
    }

    /// The target class of every attempt (identity-major).
    public var attemptTargets: [Int] { targets.flatMap { Array(repeating: $0, count: restarts) } }
}

/// What a defense's wrapper may use: the data (e.g. public faces to train a decoy recognizer),
/// caches, progress and a seed.
public struct DefenseResources {
    public var data: ExperimentData
    public var environment: RunEnvironment
    public var seed: UInt64
    public var registries: Registries

    public init(data: ExperimentData, environment: RunEnvironment, seed: UInt64, registries: Registries) {
        self.data = data
        self.environment = environment
        self.seed = seed
        self.registries = registries
    }
}

/// One column of the result tables that a metric fills.
public struct MetricColumn: Sendable, Equatable {
    public var name: String
    public var description: String
    /// Per-identity values (the Core adds `<name>_std`, and `targets.csv` keeps each value)
    /// rather than one value per trial.
    public var perIdentity: Bool
    /// Plots, terminal summary and report headline (see `ColumnPresentation`).
    public var presentation: ColumnPresentation

    public init(_ name: String, _ description: String, perIdentity: Bool, presentation: ColumnPresentation = .plain) {
        self.name = name
        self.description = description
        self.perIdentity = perIdentity
        self.presentation = presentation
    }
}

/// A metric's value for one column.
public enum MetricValue: Sendable, Equatable {
    /// One value per attacked identity (in `AttackResult.targets` order).
    case perIdentity([Double])
    /// One value for the trial.
    case trial(Double)
}

/// What metrics see of a finished trial.
public struct MetricInput {
    public var attack: AttackResult
    /// The separate evaluation classifier (trained on the private training split).
    public var evaluator: Network
    /// True when the spec allowed the attacked model to judge its own attack.
    public var evaluatorIsTarget: Bool
    public var data: ExperimentData
    /// The model the attacker saw.
    public var published: any PublishedModel
    /// The target without its output defenses (for the accuracy drop).
    public var undefended: any PublishedModel
    /// What metrics computed from `evaluator` and `data` alone, shared with the other metrics
    /// and trials that have the same evaluator and data.
    public var memo: MetricMemo
    /// The judge panel. Empty means the evaluator alone (named `evaluator`).
    public var judges: [PreparedJudge]
    /// Values shared by the metrics of this trial only (e.g. the panel's verdicts).
    public var trialMemo: MetricMemo
    /// The spec's seed (the pasted-perturbation test draws its faces from it).
    public var seed: UInt64

    public init(attack: AttackResult, evaluator: Network, evaluatorIsTarget: Bool, data: ExperimentData,
                published: any PublishedModel, undefended: any PublishedModel, memo: MetricMemo = MetricMemo(),
                judges: [PreparedJudge] = [], trialMemo: MetricMemo = MetricMemo(), seed: UInt64 = 0) {
        self.memo = memo
        self.judges = judges.isEmpty
            ? [PreparedJudge(name: "evaluator", judge: NetworkJudge(network: evaluator), isTarget: evaluatorIsTarget)] : judges
        self.trialMemo = trialMemo
        self.seed = seed
        self.attack = attack
        self.evaluator = evaluator
        self.evaluatorIsTarget = evaluatorIsTarget
        self.data = data
        self.published = published
        self.undefended = undefended
    }
}

/// One term of the attack objective (equation (1): the identity loss, or a weighted regularizer),
/// one value per attacked identity.
public struct ObjectiveTerm: Sendable, Equatable {
    public var name: String
    public var values: [Float]
    public init(name: String, values: [Float]) {
        self.name = name
        self.values = values
    }
}

/// The objective's terms where the attack started and where it ended (the selected attempt).
public struct ObjectiveSplit: Sendable, Equatable {
    public var start: [ObjectiveTerm]
    public var end: [ObjectiveTerm]
    public init(start: [ObjectiveTerm], end: [ObjectiveTerm]) {
        self.start = start
        self.end = end
    }

    /// The whole objective per identity at the start and at the end.
    public var totalStart: [Float] { Self.total(start) }
    public var totalEnd: [Float] { Self.total(end) }

    static func total(_ terms: [ObjectiveTerm]) -> [Float] {
        guard let first = terms.first else { return [] }
        return first.values.indices.map { row in terms.reduce(0) { $0 + $1.values[row] } }
    }

    /// A warning when the attack made no progress for any identity: every selected
    /// reconstruction kept the start's objective or a higher one. It names the terms that grew
    /// (the usual cause: a step size too large for a regularizer's weight, or a weight that
    /// outweighs the identity loss). Nil when some identity improved.
    /// `curves` are the objective along the search per identity (to tell whether it rose).
    public func noProgressWarning(trial: Int, curves: [[Float]] = []) -> String? {
        let before = totalStart, after = totalEnd
        guard !before.isEmpty, zip(before, after).allSatisfy({ $1 >= $0 }) else { return nil }
        let mean = { (values: [Float]) in Double(values.reduce(0, +)) / Double(max(values.count, 1)) }
        let terms = zip(start, end).map { a, b in
            "\(a.name) \(formatNumber(mean(a.values), significantDigits: 4)) -> \(formatNumber(mean(b.values), significantDigits: 4))"
        }.joined(separator: ", ")
        let regularizers = start.filter { $0.name != "identity_loss" }
        let identity = start.first { $0.name == "identity_loss" }.map { mean($0.values) } ?? 0
        let regularization = regularizers.reduce(0) { $0 + mean($1.values) }
        let firsts = curves.compactMap(\.first), lasts = curves.compactMap(\.last)
        let rose = !firsts.isEmpty && mean(lasts) > mean(firsts)
        var cause = rose
            ? "the objective rose during the search (mean \(formatNumber(mean(firsts), significantDigits: 4)) -> \(formatNumber(mean(lasts), significantDigits: 4))), so every identity kept its start image; "
            : "every identity kept its start image; "
        if !regularizers.isEmpty && regularization > identity {
            cause += "the regularizer weights (\(regularizers.map(\.name).joined(separator: ", "))) outweigh the identity loss and the step size may be too large for them: lower the weights or the learning rate"
        } else {
            cause += "the step size may be too large (or too small) for this model: try another learning rate"
        }
        return "trial \(trial): the attack made no progress for any identity (objective \(formatNumber(mean(before), significantDigits: 4)) -> \(formatNumber(mean(after), significantDigits: 4)); \(terms)); \(cause)"
    }
}
