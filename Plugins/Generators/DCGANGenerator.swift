import Foundation
import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor

/// A DCGAN (Radford, Metz and Chintala, ICLR 2016) trained on the public faces: the generative
/// prior of GMI (Zhang et al., CVPR 2020), whose discriminator also scores realism (attached to
/// the fitted generator as `GANDiscriminator`).
public struct DCGANGenerator: GeneratorPlugin {
    public struct Configuration: SpecConfig, Equatable, Sendable {
        public var side = 64
        public var width = 16
        public var latent = 100
        public var epochs = 60
        public var batchSize = 16
        public var lr: Float = 0.0002
        public init() {}
        public static var fields: [SpecField<Self>] { fields(\.self) }

        /// The keys of a DCGAN, at `path` of another configuration (the inversion GANs reuse them).
        public static func fields<Root: SpecConfig>(_ path: WritableKeyPath<Root, Self>) -> [SpecField<Root>] {
            func key<V>(_ field: WritableKeyPath<Self, V>) -> WritableKeyPath<Root, V> { path.appending(path: field) }
            return [
                SpecField("side", key(\.side), doc: "Side of the square images the GAN works on (32 or 64); public images are resized to it and outputs resized back.",
                          check: GeneratorFitting.checkSide),
                SpecField("width", key(\.width), doc: "Feature maps of the discriminator's first and the generator's last hidden layer (doubling per stage; Radford et al. use 128).",
                          range: 1...256),
                SpecField("latent", key(\.latent), doc: "Dimension of the latent code z (Radford et al. and GMI use 100).", range: 1...4096),
                SpecField("epochs", key(\.epochs), doc: "Training passes over the public images.", range: 1...100_000),
                SpecField("batch_size", key(\.batchSize), doc: "Images per training batch (Radford et al. use 128).", range: 2...4096),
                SpecField("lr", key(\.lr), doc: "Adam learning rate of both networks (beta1 = 0.5, as Radford et al. recommend).", bounds: .greaterThan(0)),
            ]
        }
    }
    public static let id = "dcgan"
    public static let summary = "DCGAN (Radford et al. 2016) trained on the public faces, GMI's prior; latent z ~ U(-1, 1), bounds [-1, 1]."
    public static let documentation = """
        Radford, Metz and Chintala (ICLR 2016): transposed-convolution generator with batch norm and ReLU, strided \
        convolution discriminator with LeakyReLU(0.2), trained with the non-saturating GAN loss and Adam (beta1 = 0.5) \
        (GenerativeArchitectures.dcganGenerator/dcganDiscriminator, GenerativeTrainer.trainGAN). The generator ends in a \
        sigmoid on [0, 1] images where the paper uses tanh on [-1, 1]. GMI (Zhang et al., CVPR 2020) trains such a GAN on \
        public faces and searches its latent space, z ~ U(-1, 1) clamped to [-1, 1]; latentBounds is [-1, 1] here. The \
        discriminator is attached to the fitted generator (`GANDiscriminator`) for the discriminator prior \
        (L_prior = -D(G(z)), GMI eq. 3). Public images are resized \
        bilinearly to side x side and generated images back to the data's size. Generator and discriminator are cached \
        under two keys (every configuration key, a SHA-256 of the public images, the seed); the discriminator_prior \
        regulariser builds this plugin from its `generator:` node, so the same keys reuse one training. Radford et al. use \
        width 128 and batch 128; the defaults (width 16, batch 16, 60 epochs: about 400 updates on 100 images, enough for \
        recognisable faces) fit a 2-core CPU: on 100 images of 112x92 (resized to 64) a release build spends about 30 \
        CPU-seconds (measured 63-75 s wall clock on a shared, heavily loaded 2-core machine).
        """
    public static let example = """
        type: dcgan
        side: 64
        width: 16
        latent: 100
        epochs: 60
        """
    let configuration: Configuration
    let specSeed: UInt64

    public init(configuration: Configuration, context: BuildContext) throws {
        self.configuration = configuration
        specSeed = context.seed
    }

    public func fit(publicImages: Tensor, environment: RunEnvironment) throws -> any ImageGenerator {
        try fitGAN(publicImages: publicImages, environment: environment)
    }

    /// The fitted GAN: the generator with its discriminator.
    public func fitGAN(publicImages: Tensor, environment: RunEnvironment) throws -> NetworkImageGenerator {
        let images = try GeneratorFitting.checked(publicImages, for: Self.id)
        let (c, side, latent, width) = (images.shape[1], configuration.side, configuration.latent, configuration.width)
        var seeds = GeneratorFitting.seedStream(specSeed, for: Self.id)
        let (generatorSeed, discriminatorSeed, trainingSeed) = (seeds.next(), seeds.next(), seeds.next())
        let generator = Network(GenerativeArchitectures.dcganGenerator(latent: latent, side: side, channels: c, width: width),
                                inputShape: [latent], seed: generatorSeed, name: "dcgan generator")
        let discriminator = Network(GenerativeArchitectures.dcganDiscriminator(side: side, channels: c, width: width),
                                    inputShape: [c, side, side], seed: discriminatorSeed, name: "dcgan discriminator")
        let settings = GeneratorFitting.settings(epochs: configuration.epochs, batchSize: configuration.batchSize,
                                                 lr: configuration.lr, seed: trainingSeed)
        let pair = try GeneratorFitting.trainedPair(Self.id, configuration, images: images, side: side, parts: ("generator", "discriminator"),
                                                    templates: (generator, discriminator), settings: settings,
                                                    environment: environment) { g, d, squared, settings, progress in
            try GenerativeTrainer.trainGAN(generator: &g, discriminator: &d, latent: latent, images: squared, settings: settings,
                                           progress: progress)
        }
        return NetworkImageGenerator(network: pair.first, discriminator: pair.second, latentSize: latent, latentBounds: -1...1,
                                     prior: .uniform, outputSize: (images.shape[2], images.shape[3]))
    }
}
