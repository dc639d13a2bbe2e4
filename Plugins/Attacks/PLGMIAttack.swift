import Foundation
import InvLabCore
import InvLabGenerators
import InvLabNN
import InvLabSpec
import InvLabTensor

/// PLG-MI, "Pseudo Label-Guided Model Inversion Attack via Conditional Generative Adversarial
/// Network" (Yuan, Chen, Zhang, Zhang and Yu, AAAI 2023): pseudo-labels of the public faces from
/// the target, a conditional GAN trained with them, then a class-conditional latent search with a
/// max-margin loss.
public struct PLGMIAttack: GANInversionAttack {
    public struct Configuration: SpecConfig, Equatable, Sendable {
        public var gan = InversionGANConfig()
        public var topK = 5
        public var iterations = 300
        public var lr: Float = 0.1
        public var restarts = 5
        public var priorWeight: Float = 0
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("gan", \.gan, doc: "The conditional GAN trained on the pseudo-labelled public faces (cached like the generators)."),
            SpecField("top_k", \.topK, doc: "Public images kept per class: the k the target is most confident belong to it (the paper's top-n selection).", range: 1...100_000),
            SpecField("iterations", \.iterations, doc: "Adam steps on the latent codes.", range: 1...1_000_000),
            SpecField("lr", \.lr, doc: "Adam learning rate of the latent codes (the paper uses 0.1).", bounds: .greaterThan(0)),
            SpecField("restarts", \.restarts, doc: "Latent codes searched per identity from z ~ U(-1, 1); the one the published model scores highest is kept.", range: 1...4096),
            SpecField("prior_weight", \.priorWeight, doc: "Weight of a realism prior -log sigmoid(D(G(z, y))) beside the max-margin loss (the paper uses none: 0).", bounds: .atLeast(0)),
        ] }
    }

    public static let id = "plgmi"
    public static let summary = "PLG-MI (Yuan et al. 2023): top-k pseudo-labels of public faces, a conditional GAN trained on them, class-conditional search with a max-margin loss."
    public static let documentation = """
        Yuan, Chen, Zhang, Zhang and Yu, "Pseudo Label-Guided Model Inversion Attack via Conditional Generative \
        Adversarial Network" (AAAI 2023). (1) Top-k selection: the target scores every public face (one query each, \
        counted as shared queries) and each class keeps the `top_k` faces it is most confident belong to that class \
        (ties to the lower index; a face may serve several classes). (2) A conditional GAN is trained on them: the \
        generator takes z with the one-hot class appended, the discriminator has a realism logit and a class head \
        trained on the pseudo-labels, and the generator is also trained to make the class head name its class \
        (GenerativeTrainer.trainAuxiliaryGAN, mode conditional); cached under every `gan:` key, the images, the \
        pseudo-labels and the seed. (3) For identity y, `restarts` codes z ~ U(-1, 1) are searched by Adam (z clamped to [-1, 1], the GAN's latent range, after every step) on the \
        max-margin loss -l_y(x) + max_{j != y} l_j(x) of the target's logits at x = G(z, y) (eq. 8; with a model that \
        publishes probabilities only, log-probabilities, which give the same margin), plus an optional realism prior. \
        Departures from the paper: the discriminator is an auxiliary-classifier one (AC-GAN) where the paper uses a \
        projection discriminator with spectral normalisation and the hinge loss; the images are 32 or 64 pixels grey; \
        the search does not apply the paper's random augmentations to G(z, y). Queries per identity: iterations * \
        restarts in the search and restarts for the scoring, plus the public-image queries split over the identities. \
        `seconds` is the search and scoring only, not the GAN training.
        """
    public static let example = """
        type: plgmi
        gan: {side: 64, width: 16, epochs: 60}
        top_k: 5
        iterations: 300
        restarts: 5
        """

    public let configuration: Configuration
    public init(configuration: Configuration, context: BuildContext) throws { self.configuration = configuration }

    public func batchSize(targets: Int) -> Int { targets * configuration.restarts }

    /// The conditional GAN trained on the pseudo-labelled public faces, and the queries spent.
    public func fitGAN(_ model: any PublishedModel, resources: AttackResources) throws -> (gan: InversionGAN, queries: Int) {
        let (images, probabilities) = try GANInversionSearch.publicOutputs(Self.id, model: model, data: resources.data)
        let rows = PseudoLabels.trainingRows(PseudoLabels.select(confidences: probabilities, topK: configuration.topK))
        let gan = try InversionGAN.fit(Self.id, configuration: configuration.gan, mode: .conditional,
                                       publicImages: images.gathering(rows: rows.images),
                                       labels: Tensor.oneHot(rows.classes, classes: model.classes), seed: resources.seed,
                                       environment: resources.environment)
        return (gan, images.shape[0])
    }

    public func run(against model: any PublishedModel, resources: AttackResources) throws -> AttackResult {
        guard !resources.targets.isEmpty else { return AttackResultAssembly.empty(model: model, restarts: configuration.restarts) }
        let (gan, shared) = try fitGAN(model, resources: resources)
        let began = Date()
        let targets = resources.targets, c = configuration
        let rowTargets = targets.flatMap { Array(repeating: $0, count: c.restarts) }
        var rng = SeededGenerator(seed: resources.seed).fork(Self.id)
        var variables = [Tensor.uniform([rowTargets.count, gan.latent], low: -1, high: 1, generator: &rng)]
        let initial = variables[0]
        let curves = try GANInversionSearch.minimise(&variables, iterations: c.iterations, lr: c.lr, environment: resources.environment,
                                                     stage: "plgmi: conditional search") { _, v in
            let images = gan.generate(v[0], classes: rowTargets)
            let margin = MaxMarginLoss.perRow(logits: model.output(images).logitsOrLogProbabilities, targets: rowTargets)
            return c.priorWeight > 0 ? margin + (gan.realism(images) * -1).softplus().sumPerSample() * c.priorWeight : margin
        }
        let attempts = gan.generate(Var(constant: variables[0]), classes: rowTargets).value
        return GANInversionSearch.result(targets: targets, attempts: attempts,
                                         starts: gan.generate(Var(constant: initial), classes: rowTargets).value, restarts: c.restarts, model: model,
                                         curves: targets.indices.map { curves[$0 * c.restarts] },
                                         searchQueries: targets.map { _ in c.iterations * c.restarts }, sharedQueries: shared,
                                         iterations: c.iterations, seconds: Date().timeIntervalSince(began))
    }
}
