import Foundation
import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor

/// A variational autoencoder (Kingma and Welling, ICLR 2014) trained on the public faces; its
/// decoder maps N(0, I) latent codes to faces.
public struct VAEGenerator: GeneratorPlugin {
    public struct Configuration: SpecConfig, Equatable {
        public var side = 64
        public var width = 16
        public var latent = 64
        public var epochs = 60
        public var batchSize = 16
        public var lr: Float = 0.001
        public var beta: Float = 1
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("side", \.side, doc: "Side of the square images the VAE works on (32 or 64); public images are resized to it and outputs resized back.",
                      check: GeneratorFitting.checkSide),
            SpecField("width", \.width, doc: "Channels of the first encoder convolution (doubling at every stage; the decoder mirrors it).", range: 1...256),
            SpecField("latent", \.latent, doc: "Dimension of the latent code z.", range: 1...4096),
            SpecField("epochs", \.epochs, doc: "Training passes over the public images.", range: 1...100_000),
            SpecField("batch_size", \.batchSize, doc: "Images per training batch.", range: 2...4096),
            SpecField("lr", \.lr, doc: "Adam learning rate.", bounds: .greaterThan(0)),
            SpecField("beta", \.beta, doc: "Weight of the KL term (1 = the standard VAE; beta-VAE otherwise).", range: 0...),
        ] }
    }
    public static let id = "vae"
    public static let summary = "Convolutional VAE (Kingma and Welling 2014) trained on the public faces; latent prior N(0, I)."
    public static let documentation = """
        Kingma and Welling (ICLR 2014): an encoder to the mean and log-variance of q(z|x), the reparameterisation \
        z = mu + exp(logvar / 2) * eps, a decoder back to the image, trained with Adam on the summed squared error plus \
        beta times KL(q(z|x) || N(0, I)) (GenerativeTrainer.trainVAE; GenerativeArchitectures.vaeEncoder/vaeDecoder). \
        Public images are resized bilinearly to side x side (so 112x92 faces are stretched to a square) and generated \
        images are resized back to the data's size, so they fit the attacked model's input. Channels follow the public \
        images. Latent prior N(0, I); no latent bounds. Encoder and decoder are cached under two keys (configuration, a \
        SHA-256 of the public images, seed). Defaults (width 16, batch 16, 60 epochs) on 100 images of 112x92 (resized to 64): \
        about 15 CPU-seconds in a release build (measured 29-44 s wall clock on a shared, heavily loaded 2-core machine).
        """
    public static let example = """
        type: vae
        side: 64
        latent: 64
        epochs: 60
        """
    let configuration: Configuration
    let specSeed: UInt64

    public init(configuration: Configuration, context: BuildContext) throws {
        self.configuration = configuration
        specSeed = context.seed
    }

    public func fit(publicImages: Tensor, environment: RunEnvironment) throws -> any ImageGenerator {
        try fitVAE(publicImages: publicImages, environment: environment)
    }

    /// The fitted VAE with its encoder.
    public func fitVAE(publicImages: Tensor, environment: RunEnvironment) throws -> NetworkImageGenerator {
        let images = try GeneratorFitting.checked(publicImages, for: Self.id)
        let (c, side, latent) = (images.shape[1], configuration.side, configuration.latent)
        var seeds = GeneratorFitting.seedStream(specSeed, for: Self.id)
        let (encoderSeed, decoderSeed, trainingSeed) = (seeds.next(), seeds.next(), seeds.next())
        let encoder = Network(GenerativeArchitectures.vaeEncoder(side: side, channels: c, width: configuration.width, latent: latent),
                              inputShape: [c, side, side], seed: encoderSeed, name: "vae encoder")
        let decoder = Network(GenerativeArchitectures.vaeDecoder(side: side, channels: c, width: configuration.width, latent: latent),
                              inputShape: [latent], seed: decoderSeed, name: "vae decoder")
        var settings = GeneratorFitting.settings(epochs: configuration.epochs, batchSize: configuration.batchSize,
                                                 lr: configuration.lr, seed: trainingSeed)
        settings.beta = configuration.beta
        let pair = try GeneratorFitting.trainedPair(Self.id, configuration, images: images, side: side, parts: ("encoder", "decoder"),
                                                    templates: (encoder, decoder), settings: settings,
                                                    environment: environment) { encoder, decoder, squared, settings, progress in
            try GenerativeTrainer.trainVAE(encoder: &encoder, decoder: &decoder, latent: latent, images: squared, settings: settings,
                                           progress: progress)
        }
        return NetworkImageGenerator(network: pair.second, encoder: pair.first, latentSize: latent, latentBounds: nil,
                                     prior: .normal, outputSize: (images.shape[2], images.shape[3]))
    }
}
