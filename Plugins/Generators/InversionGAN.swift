import Foundation
import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor

/// The keys of an inversion-specific GAN (KEDMI's or PLG-MI's), trained by an attack on the
/// public images with the target's labels of them.
public struct InversionGANConfig: SpecConfig, Equatable, Sendable {
    /// The DCGAN's keys (side, width, latent, epochs, batch_size, lr), written beside class_weight.
    public var network = DCGANGenerator.Configuration()
    public var classWeight: Float = 1
    public init() {}
    public static var fields: [SpecField<Self>] {
        DCGANGenerator.Configuration.fields(\.network) + [
            SpecField("class_weight", \.classWeight, doc: "Weight of the discriminator's class-head loss (and, for PLG-MI, of the generator's class loss) beside the adversarial loss.",
                      bounds: .atLeast(0)),
        ]
    }
}

/// A trained inversion-specific GAN: the generator (conditional or not) and the discriminator
/// whose first output is the realism logit and whose others are the target's classes.
public struct InversionGAN: Sendable {
    public let generator: Network
    public let discriminator: Network
    public let latent: Int
    public let classes: Int
    public let mode: AuxiliaryGANMode
    /// Height and width of the data's images.
    public let outputSize: [Int]

    /// Images (`N x C x H x W`, in [0, 1], the data's size) for latent codes `z` (`N x latent`),
    /// conditioned on `classes` (one per row) when the generator is conditional.
    public func generate(_ z: Var, classes labels: [Int]? = nil) -> Var {
        let input = mode == .conditional ? Var.concatenate([z, Var(constant: Tensor.oneHot(labels ?? [], classes: classes))], alongAxis: 1) : z
        return generator.forward(input).resizedBilinear(height: outputSize[0], width: outputSize[1])
    }

    /// The discriminator's realism logits (`N x 1`) for images of the data's size.
    public func realism(_ images: Var) -> Var {
        discriminator.forward(images.resizedBilinear(height: discriminator.inputShape[1], width: discriminator.inputShape[2]))
            .slice(alongAxis: 1, 0..<1)
    }

    /// Trains (or loads from the model cache) the GAN of `id` on `publicImages` with `labels`
    /// (`N x K`: the target's soft labels, or one-hot pseudo-labels); the cache key holds every
    /// key of `configuration`, the images, the labels, the mode and the seed.
    public static func fit(_ id: String, configuration: InversionGANConfig, mode: AuxiliaryGANMode, publicImages: Tensor,
                           labels: Tensor, seed specSeed: UInt64, environment: RunEnvironment) throws -> InversionGAN {
        let images = try GeneratorFitting.checked(publicImages, for: id)
        let network = configuration.network
        let (c, side, latent, width) = (images.shape[1], network.side, network.latent, network.width)
        let classes = labels.shape[1]
        let input = mode == .conditional ? latent + classes : latent
        var seeds = GeneratorFitting.seedStream(specSeed, for: id)
        let (generatorSeed, discriminatorSeed, trainingSeed) = (seeds.next(), seeds.next(), seeds.next())
        let generator = Network(GenerativeArchitectures.dcganGenerator(latent: input, side: side, channels: c, width: width),
                                inputShape: [input], seed: generatorSeed, name: "\(id) generator")
        let discriminator = Network(GenerativeArchitectures.dcganDiscriminator(side: side, channels: c, width: width, outputs: 1 + classes),
                                    inputShape: [c, side, side], seed: discriminatorSeed, name: "\(id) discriminator")
        let settings = GeneratorFitting.settings(epochs: network.epochs, batchSize: network.batchSize,
                                                 lr: network.lr, seed: trainingSeed)
        let labelKey = "labels:" + GeneratorFitting.fingerprint(labels) + "|mode:\(mode)"
        let pair = try GeneratorFitting.trainedPair(id, configuration, images: images, side: side, parts: ("generator", "discriminator"),
                                                    templates: (generator, discriminator), settings: settings,
                                                    environment: environment, extraKey: labelKey) { g, d, squared, settings, progress in
            try GenerativeTrainer.trainAuxiliaryGAN(generator: &g, discriminator: &d, latent: latent, images: squared, labels: labels,
                                                    mode: mode, classWeight: configuration.classWeight, settings: settings,
                                                    progress: progress)
        }
        return InversionGAN(generator: pair.first, discriminator: pair.second, latent: latent, classes: classes, mode: mode,
                            outputSize: [images.shape[2], images.shape[3]])
    }
}
