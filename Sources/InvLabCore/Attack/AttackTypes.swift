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

    public init(data: ExperimentData, targets: [Int], environment: RunEnvironment, seed: UInt64, registries: Registries) {
        self.data = data
        self.targets = targets
        self.environment = environment
        self.seed = seed
        self.registries = registries
    }
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

    public init(targets: [Int], reconstructions: Tensor, attempts: Tensor, restarts: Int, selectedAttempt: [Int],
                attemptConfidence: [Float], lossCurves: [[Float]], lossCurveSteps: [Int], queries: [Int],
                iterations: [Int], seconds: Double, starts: Tensor? = nil) {
        self.starts = starts
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
