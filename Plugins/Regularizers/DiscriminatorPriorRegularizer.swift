import Foundation
import InvLabCore
import InvLabGenerators
import InvLabNN
import InvLabSpec
import InvLabTensor

/// GMI's prior term (Zhang et al., CVPR 2020, eq. 3): the realism score of a GAN discriminator
/// trained on public faces, here in its non-saturating form `softplus(-D(x)) = -log sigmoid(D(x))`.
public struct DiscriminatorPriorRegularizer: RegularizerPlugin {
    public struct Configuration: SpecConfig, Equatable {
        public var weight: Float = 0.01
        public var generator = PluginNode(id: "dcgan")
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("weight", \.weight, doc: RegularizerDocs.weight(
                "GMI weighs its identity loss 100 times its prior; the default keeps that ratio against an identity loss of weight 1."),
                      range: 0...),
            SpecField("generator", \.generator, doc: """
                The GAN whose discriminator D scores realism: a generator plugin that attaches one (`dcgan`, with its \
                own keys: side, width, latent, epochs, batch_size, lr), fitted on the public set with the spec's seed.
                """),
        ] }

        /// The dcgan keys this configuration had before they moved under `generator:`.
        public static var movedKeys: [String: String] {
            Dictionary(uniqueKeysWithValues: ["side", "width", "latent", "epochs", "batch_size", "lr"].map { key in
                (key, "the GAN's keys belong to its generator now: write `generator: {type: dcgan, \(key): ...}`")
            })
        }
    }
    public static let id = "discriminator_prior"
    public static let summary = "GAN discriminator realism prior softplus(-D(x)) (GMI, Zhang et al. 2020, eq. 3), D trained on the public split."
    public static let documentation = """
        Zhang et al. (CVPR 2020) add L_prior = -D(G(z)) to the identity loss so that the search stays where the \
        discriminator believes faces are real. Here R(x) = softplus(-D(x)) = -log sigmoid(D(x)) per image, the \
        non-saturating form of the same term (its gradient does not vanish when D is confident), on the attack's images \
        x (= G(z) in a latent search), resized bilinearly to D's input size. The regulariser cannot see the attack's \
        generator, so it fits its own GAN on the public split: it builds its `generator:` node (default \
        {type: dcgan}) through the generator registry with the spec's seed, fits it on data.publicSet and scores with \
        the discriminator the fitted generator attaches (GANDiscriminator). An attack whose generator is the same node \
        therefore shares the cached training (one GAN, two uses). Needs a public set (data.public_identities or \
        data.public_source).
        """
    public static let example = """
        type: discriminator_prior
        weight: 0.01
        generator: {type: dcgan, side: 64, epochs: 60}
        """
    public let weight: Float
    let gan: any GeneratorPlugin
    let generatorNode: PluginNode
    /// The trained discriminator, after `prepare`.
    public private(set) var discriminator: GANDiscriminator?

    public init(configuration: Configuration, context: BuildContext) throws {
        weight = configuration.weight
        // The default carries no spec path; give it this plugin's, so messages name the key.
        let node = configuration.generator
        generatorNode = node.path.isRoot
            ? PluginNode(id: node.id, options: node.options, path: context.path.appending("generator"),
                         idLocation: context.location, location: context.location)
            : node
        gan = try context.registries.generators.build(generatorNode, context: context)
    }

    /// Fits the generator on the public images (or loads it from the cache) and takes its
    /// discriminator.
    public mutating func prepare(_ resources: AttackResources) throws {
        let images = try LearnedPrior.publicImages(resources.data, for: Self.id)
        let fitted = try gan.fit(publicImages: images, environment: resources.environment)
        guard let discriminator = fitted.attachment(GANDiscriminator.self) else {
            throw RegularizerPreparationError("discriminator_prior: generator '\(generatorNode.id)' (at \(generatorNode.path)) "
                                              + "has no discriminator; use a GAN such as {type: dcgan}")
        }
        self.discriminator = discriminator
    }

    /// `softplus(-D(resize(x)))` per image; `prepare` must have run.
    public func penalty(images: Var, latents: Var?) -> Var {
        guard let discriminator else { preconditionFailure("discriminator_prior: penalty(images:latents:) called before prepare(_:)") }
        let logits = discriminator.logits(images)
        return (-logits.reshaped([images.shape[0]])).softplus()
    }
}
