import Foundation
import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor

/// The denoising-autoencoder prior: `R(x) = ||x - D(x)||^2` with D a convolutional denoising
/// autoencoder trained on the public split. Images a DAE reproduces well lie near the public
/// faces' manifold; noise and adversarial patterns do not.
public struct DenoisingPriorRegularizer: RegularizerPlugin {
    public struct Configuration: SpecConfig, Equatable {
        public var weight: Float = 0.001
        public var channels = [16, 32]
        public var noise: Float = 0.1
        public var epochs = 20
        public var batchSize = 32
        public var lr: Float = 0.001
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("weight", \.weight, doc: RegularizerDocs.weight(
                "The default DAE leaves about 0.002 per pixel on faces and 0.08 on uniform noise: about 0.01 and 0.3 for a 64x64 image at the default."),
                      range: 0...),
            SpecField("channels", \.channels, doc: "Widths of the stride-2 encoder stages (the decoder mirrors them); one to five stages.",
                      check: { $0.count >= 1 && $0.count <= 5 && $0.allSatisfy { $0 >= 1 && $0 <= 1024 } ? nil
                          : "expected 1 to 5 positive channel counts (at most 1024), got \(emitFlowYAML($0.specNode))" }),
            SpecField("noise", \.noise, doc: "Standard deviation of the Gaussian corruption the DAE learns to remove.", range: 0...1),
            SpecField("epochs", \.epochs, doc: "Training passes over the public images.", range: 1...10_000),
            SpecField("batch_size", \.batchSize, doc: "Images per training batch.", range: 2...4096),
            SpecField("lr", \.lr, doc: "Adam learning rate of the DAE's training.", bounds: .greaterThan(0)),
        ] }
    }
    public static let id = "dae_prior"
    public static let summary = "Denoising-autoencoder prior ||x - D(x)||^2, D trained on the public split (after Fredrikson et al. 2015)."
    public static let documentation = """
        Fredrikson et al. (CCS 2015) pass the attack's image through a denoising autoencoder (their "Process" step). Here \
        the DAE enters the objective as R(x) = sum over pixels of (x - D(x))^2, differentiated through both x and D(x). \
        D is GenerativeArchitectures.denoisingAutoencoder (stride-2 convolutions with `channels` widths, mirrored by \
        transposed convolutions, sigmoid output) trained with Adam on the public images corrupted by Gaussian noise \
        (GenerativeTrainer.trainDenoisingAutoencoder). Image sides that 2^stages does not divide are zero-padded at the \
        bottom and right up to the next multiple inside D (the DAE trains on equally padded images) and the output is \
        cropped back: padding, not resizing, so that D adds no interpolation error to the penalty. The trained network is \
        cached under a key of the configuration without weight, the data split description and the seed, so sweeps over \
        weight or lambda train it once. Needs a public set (data.public_identities or data.public_source). Defaults train \
        in about 4 CPU-seconds on 100 images of 112x92 (release build).
        """
    public static let example = """
        type: dae_prior
        weight: 0.001
        channels: [16, 32]
        epochs: 20
        """
    public let weight: Float
    let configuration: Configuration
    let trainingSeed: UInt64
    /// The trained autoencoder, after `prepare`.
    public private(set) var autoencoder: Network?

    public init(configuration: Configuration, context: BuildContext) throws {
        self.configuration = configuration
        weight = configuration.weight
        trainingSeed = LearnedPrior.seed(context.seed, for: Self.id)
    }

    /// Trains the DAE on the public images, or loads it from the model cache.
    public mutating func prepare(_ resources: AttackResources) throws {
        let images = try LearnedPrior.publicImages(resources.data, for: Self.id)
        let shape = resources.data.imageShape
        let padded = Self.paddedShape(shape, stages: configuration.channels.count)
        let template = Network(GenerativeArchitectures.denoisingAutoencoder(inputShape: padded, channels: configuration.channels),
                               inputShape: padded, seed: trainingSeed, name: "dae_prior autoencoder")
        let key = ModelCache.key(["regularizer:dae_prior", LearnedPrior.trainingDescription(configuration),
                                  LearnedPrior.dataFingerprint(resources.data), "seed:\(trainingSeed)", "engine:1"])
        var settings = GenerativeTrainingSettings()
        settings.epochs = configuration.epochs
        settings.batchSize = configuration.batchSize
        settings.learningRate = configuration.lr
        settings.noise = configuration.noise
        settings.seed = trainingSeed
        let environment = resources.environment
        settings.shouldStop = { environment.isCancelled }
        let (network, cached) = try environment.cache.network(key: key, template: template) { network in
            let stage = environment.progress.stage("training dae_prior denoising autoencoder", total: settings.epochs, unit: "epochs")
            let trainingImages = Self.pad(Var(constant: images), to: padded).value
            try GenerativeTrainer.trainDenoisingAutoencoder(&network, images: trainingImages, settings: settings,
                                                            progress: LearnedPrior.reporter(stage))
            stage.finish("\(images.shape[0]) public images")
        }
        if cached { environment.progress.log("dae_prior: denoising autoencoder loaded from the model cache") }
        autoencoder = network
    }

    /// `sum (x - D(x))^2` per image; `prepare` must have run.
    public func penalty(images: Var, latents: Var?) -> Var {
        guard let autoencoder else { preconditionFailure("dae_prior: penalty(images:latents:) called before prepare(_:)") }
        let shape = Array(images.shape.dropFirst())
        let reconstruction = autoencoder.forward(Self.pad(images, to: autoencoder.inputShape))
            .slice(alongAxis: 2, 0..<shape[1]).slice(alongAxis: 3, 0..<shape[2])
        return (images - reconstruction).squared().sumPerSample()
    }

    /// `(C, H, W)` with H and W rounded up to multiples of 2^stages.
    static func paddedShape(_ shape: [Int], stages: Int) -> [Int] {
        let unit = 1 << stages
        return [shape[0], (shape[1] + unit - 1) / unit * unit, (shape[2] + unit - 1) / unit * unit]
    }

    /// Zeros appended below and to the right of `N x C x H x W` images up to `shape` (C, H', W').
    static func pad(_ x: Var, to shape: [Int]) -> Var {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        var result = x
        if shape[1] > h {
            result = Var.concatenate([result, Var(constant: Tensor(zeros: [n, c, shape[1] - h, w]))], alongAxis: 2)
        }
        if shape[2] > w {
            result = Var.concatenate([result, Var(constant: Tensor(zeros: [n, c, shape[1], shape[2] - w]))], alongAxis: 3)
        }
        return result
    }
}
