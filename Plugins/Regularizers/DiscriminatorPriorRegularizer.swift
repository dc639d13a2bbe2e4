import Foundation
import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor

/// GMI's prior term (Zhang et al., CVPR 2020, eq. 3): the realism score of a GAN discriminator
/// trained on public faces, here in its non-saturating form `softplus(-D(x)) = -log sigmoid(D(x))`.
public struct DiscriminatorPriorRegularizer: RegularizerPlugin {
    public struct Configuration: SpecConfig, Equatable {
        public var weight: Float = 0.01
        public var side = 64
        public var width = 16
        public var latent = 100
        public var epochs = 60
        public var batchSize = 16
        public var lr: Float = 0.0002
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("weight", \.weight, doc: RegularizerDocs.weight(
                "GMI weighs its identity loss 100 times its prior; the default keeps that ratio against an identity loss of weight 1."),
                      range: 0...),
            SpecField("side", \.side, doc: "dcgan side (32 or 64): images are resized to it before D scores them.",
                      check: { $0 == 32 || $0 == 64 ? nil : "expected 32 or 64, got \($0)" }),
            SpecField("width", \.width, doc: "dcgan width (feature maps of D's first layer).", range: 1...256),
            SpecField("latent", \.latent, doc: "dcgan latent size of the generator trained alongside D.", range: 1...4096),
            SpecField("epochs", \.epochs, doc: "dcgan training passes over the public images.", range: 1...100_000),
            SpecField("batch_size", \.batchSize, doc: "dcgan images per training batch.", range: 2...4096),
            SpecField("lr", \.lr, doc: "dcgan Adam learning rate.", bounds: .greaterThan(0)),
        ] }
    }
    public static let id = "discriminator_prior"
    public static let summary = "GAN discriminator realism prior softplus(-D(x)) (GMI, Zhang et al. 2020, eq. 3), D trained on the public split."
    public static let documentation = """
        Zhang et al. (CVPR 2020) add L_prior = -D(G(z)) to the identity loss so that the search stays where the \
        discriminator believes faces are real. Here R(x) = softplus(-D(x)) = -log sigmoid(D(x)) per image, the \
        non-saturating form of the same term (its gradient does not vanish when D is confident), on the attack's images \
        x (= G(z) in a latent search), resized bilinearly to side x side. The regulariser cannot see the attack's \
        generator, so it trains its own DCGAN on the public split: it builds the 'dcgan' generator plugin with its keys \
        (side, width, latent, epochs, batch_size, lr; same defaults) and the spec's seed, and fits it on \
        data.publicSet. An attack whose generator is a dcgan with the same keys therefore shares the cached training (one \
        GAN, two uses). Needs a public set (data.public_identities or data.public_source).
        """
    public static let example = """
        type: discriminator_prior
        weight: 0.01
        side: 64
        epochs: 60
        """
    public let weight: Float
    let side: Int
    let gan: any GeneratorPlugin
    /// The trained discriminator (image to realism logit), after `prepare`.
    public private(set) var discriminator: Network?

    public init(configuration: Configuration, context: BuildContext) throws {
        weight = configuration.weight
        side = configuration.side
        let node = PluginNode(id: "dcgan", options: configuration.specNode.removingEntry("weight"), path: context.path,
                              idLocation: context.location, location: context.location)
        guard context.registries.generators.descriptor("dcgan") != nil else {
            throw context.error("discriminator_prior trains the 'dcgan' generator, which is not registered (register InvLabGeneratorsModule)")
        }
        gan = try context.registries.generators.build(node, context: context)
    }

    /// Trains the DCGAN on the public images through the `dcgan` plugin (or loads it from the cache).
    public mutating func prepare(_ resources: AttackResources) throws {
        let images = try LearnedPrior.publicImages(resources.data, for: Self.id)
        let fitted = try gan.fit(publicImages: images, environment: resources.environment)
        guard let discriminator = fitted.discriminator else {
            throw RegularizerPreparationError("discriminator_prior: the dcgan generator came without a discriminator")
        }
        self.discriminator = discriminator
    }

    /// `softplus(-D(resize(x)))` per image; `prepare` must have run.
    public func penalty(images: Var, latents: Var?) -> Var {
        guard let discriminator else { preconditionFailure("discriminator_prior: penalty(images:latents:) called before prepare(_:)") }
        let logits = discriminator.forward(images.resizedBilinear(height: side, width: side))
        return (-logits.reshaped([images.shape[0]])).softplus()
    }
}
