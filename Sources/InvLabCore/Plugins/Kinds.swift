import Foundation
import InvLabNN
import InvLabSpec
import InvLabTensor

/// A source of labelled images (real faces, digits, a user's folder, procedurally drawn faces).
public protocol DatasetPlugin: Plugin {
    /// Loads every image at its native size (the Core converts to the spec's image size and splits).
    func load(_ environment: RunEnvironment) throws -> FaceDataset
    /// Where `invlab data fetch <id>` gets the data from (one line), nil for a dataset that has
    /// nothing to fetch (procedural, or the user's own files).
    var fetchSource: String? { get }
    /// Fetches, verifies and prepares the data in the environment's data directory; returns
    /// what to tell the user. Only called when `fetchSource` is not nil.
    func fetch(_ environment: RunEnvironment) throws -> String
}

extension DatasetPlugin {
    public var fetchSource: String? { nil }
    public func fetch(_ environment: RunEnvironment) throws -> String {
        throw DataError("dataset '\(Self.id)' has nothing to fetch")
    }
}

/// A classifier architecture with its training recipe: the attacked model, the evaluation
/// classifier, and the dummy defense's decoy recognizer are recognizers.
public protocol RecognizerPlugin: Plugin {
    /// The architecture for inputs of `inputShape` (C, H, W) and `classes` outputs.
    func architecture(inputShape: [Int], classes: Int) throws -> Sequential
    /// How it is trained (ignored when `weights` is set).
    var training: TrainingConfig { get }
    /// A weights file to load instead of training (e.g. a PyTorch `state_dict` as safetensors).
    var weights: URL? { get }
    /// Puts the `weights` file into `network`, built from `architecture(inputShape:classes:)`.
    /// The default reads safetensors by tensor name; a recognizer whose architecture already
    /// holds the trained weights (an ONNX model, read whole) leaves the network as built.
    func load(weights: URL, into network: inout Network) throws
    /// What determines the network before training besides the spec's text (e.g. the digest of a
    /// model file that training starts from), added to the model cache's key. Empty by default.
    func trainingFingerprint() throws -> [String]
}

extension RecognizerPlugin {
    public func load(weights: URL, into network: inout Network) throws {
        try network.load(from: weights)
    }

    public func trainingFingerprint() throws -> [String] { [] }
}

/// A generative model of faces fitted on the public split: the latent search space of
/// generative-prior attacks and a synthetic-face source for the dummy defense.
public protocol GeneratorPlugin: Plugin {
    /// Fits or trains the generator on public images (`N x C x H x W` in [0, 1]); use the
    /// environment's cache so that it is trained once per configuration and data.
    func fit(publicImages: Tensor, environment: RunEnvironment) throws -> any ImageGenerator
}

/// A fitted generator: latent codes to images. What else it carries for other plugins (e.g. a
/// network trained beside it) is an attachment (`attachment(_:)`), declared by its module.
public protocol ImageGenerator: AttachmentProviding {
    var latentSize: Int { get }
    /// Box constraint of the latent space (e.g. [-1, 1] for GMI), or nil for unbounded.
    var latentBounds: ClosedRange<Float>? { get }
    /// Images `N x C x H x W` in [0, 1] for latents `N x latentSize`; differentiable.
    func generate(_ latents: Var) -> Var
    /// Draws latents from the generator's prior.
    func sampleLatents(count: Int, generator: inout SeededGenerator) -> Tensor
}

/// A regulariser R(x) of the attack objective (equation (1) of the article), weighted.
public protocol RegularizerPlugin: Plugin {
    /// The multiplier of R in the objective.
    var weight: Float { get }
    /// Prepares what R needs (e.g. trains a denoising autoencoder on the public split).
    mutating func prepare(_ resources: AttackResources) throws
    /// R for each image of the batch (`N x C x H x W`; `latents` when the search space is a
    /// generator's latent space), shape `[N]`, unweighted.
    func penalty(images: Var, latents: Var?) -> Var
}

extension RegularizerPlugin {
    public mutating func prepare(_ resources: AttackResources) throws {}
}

/// An update rule with its learning-rate schedule, for attacks and training alike.
public protocol OptimizerPlugin: Plugin, Sendable {
    /// A fresh optimizer (the engine's shared implementations).
    func makeOptimizer() -> any Optimizer
    /// The learning-rate schedule (per step for attacks, per epoch for training).
    var schedule: LearningRateSchedule { get }
    var learningRate: Float { get }
}

/// A model inversion attack.
public protocol AttackPlugin: Plugin {
    /// Reconstructs one image per target class of `resources.targets`, seeing only `model`.
    func run(against model: any PublishedModel, resources: AttackResources) throws -> AttackResult
    /// Images that pass through the model at once when attacking `targets` identities (for the
    /// memory estimate); the default is one per identity.
    func batchSize(targets: Int) -> Int
    /// Whether the attack can run on chunks of a trial's identities (work units of a sharded
    /// run, `invlab run --chunk`) with each identity's result exactly as in one run on all of
    /// them: its rows must not interact and its random draws must follow
    /// `AttackResources.chunk`. Default false: such an attack is split by trials only.
    var splitsByIdentity: Bool { get }
    /// Fits what the attack reuses across runs (generators, regularizers' priors) through the
    /// model cache, without attacking: the shared stage of `invlab prepare`. Default: nothing.
    func prepareShared(against model: any PublishedModel, resources: AttackResources) throws
}

extension AttackPlugin {
    public func batchSize(targets: Int) -> Int { targets }
    public var splitsByIdentity: Bool { false }
    public func prepareShared(against model: any PublishedModel, resources: AttackResources) throws {}
}

/// A defense: changes how the target is trained, wraps the published model, or both.
public protocol DefensePlugin: Plugin {
    /// Training-time changes (e.g. a variational bottleneck, label smoothing). Default: none.
    func adjust(_ recipe: inout TrainingRecipe) throws
    /// The published model built around the (trained) model. Default: unchanged.
    func wrap(_ model: any PublishedModel, resources: DefenseResources) throws -> any PublishedModel
}

extension DefensePlugin {
    public func adjust(_ recipe: inout TrainingRecipe) throws {}
    public func wrap(_ model: any PublishedModel, resources: DefenseResources) throws -> any PublishedModel { model }
}

/// A measurement of a trial.
public protocol MetricPlugin: Plugin {
    /// The columns this metric fills, in order.
    var columns: [MetricColumn] { get }
    /// Values for the declared columns.
    func measure(_ input: MetricInput) throws -> [String: MetricValue]
    /// True when the metric reads the judge panel (`MetricInput.judges`); the runner trains the
    /// panel only for specs with such a metric.
    var usesJudges: Bool { get }
}

extension MetricPlugin {
    public var usesJudges: Bool { false }
}
