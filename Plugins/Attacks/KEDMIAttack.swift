import Foundation
import InvLabCore
import InvLabGenerators
import InvLabNN
import InvLabSpec
import InvLabTensor

/// KEDMI, "Knowledge-Enriched Distributional Model Inversion Attacks" (Chen, Kahla, Jia and Jia,
/// ICCV 2021): an inversion-specific GAN whose discriminator also learns the target's soft labels
/// of the public images, and per identity a latent Gaussian searched by reparameterisation.
public struct KEDMIAttack: GANInversionAttack {
    public struct Configuration: SpecConfig, Equatable, Sendable {
        public var gan = InversionGANConfig()
        public var iterations = 300
        public var lr: Float = 0.02
        public var samples = 8
        public var identityWeight: Float = 100
        public var priorWeight: Float = 1
        public var initialStd: Float = 0.5
        public var restarts = 5
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("gan", \.gan, doc: "The inversion-specific GAN trained on the public faces with the target's soft labels (cached like the generators)."),
            SpecField("iterations", \.iterations, doc: "Adam steps on each identity's mean and log-std.", range: 1...1_000_000),
            SpecField("lr", \.lr, doc: "Adam learning rate of the distribution's parameters.", bounds: .greaterThan(0)),
            SpecField("samples", \.samples, doc: "Draws eps ~ N(0, I) per identity and step (the Monte-Carlo estimate of the expected loss).", range: 1...4096),
            SpecField("identity_weight", \.identityWeight, doc: "Weight of the identity loss -log p_target(G(z)) (KEDMI and GMI use 100).", bounds: .atLeast(0)),
            SpecField("prior_weight", \.priorWeight, doc: "Weight of the realism prior -log sigmoid(D(G(z))).", bounds: .atLeast(0)),
            SpecField("initial_std", \.initialStd, doc: "sigma of every coordinate at the start (mu starts at 0).", bounds: .greaterThan(0)),
            SpecField("restarts", \.restarts, doc: "Images drawn from each identity's learned distribution at the end; the one the published model scores highest is kept.", range: 1...4096),
        ] }
    }

    public static let id = "kedmi"
    public static let summary = "KEDMI (Chen et al. 2021): GAN whose discriminator learns the target's soft labels; a latent Gaussian per identity, searched by reparameterisation."
    public static let documentation = """
        Chen, Kahla, Jia and Jia, "Knowledge-Enriched Distributional Model Inversion Attacks" (ICCV 2021). \
        (1) Knowledge extraction: the target labels every public face (one query each, counted as shared queries); a \
        DCGAN-shaped GAN is trained whose discriminator has 1 + K outputs, a realism logit and a K-way head trained by \
        soft cross-entropy toward the target's soft labels of the real faces (GenerativeTrainer.trainAuxiliaryGAN, \
        mode knowledgeExtraction); cached under every `gan:` key, the images, the labels and the seed. \
        (2) Distributional recovery: per identity a Gaussian N(mu, diag(sigma^2)), mu = 0 and sigma = initial_std at \
        the start, searched by Adam on mu (kept in [-1, 1], the GAN's latent range) and log sigma through z = mu + sigma * eps (`samples` fresh eps per step): \
        loss = identity_weight * (-log p_target(G(z))) + prior_weight * (-log sigmoid(D(G(z)))), averaged over the samples. \
        At the end `restarts` images are drawn from each learned distribution and the most confident kept. \
        Departures from the paper: the discriminator is the DCGAN one at 32 or 64 pixels grey (the paper uses 64x64 RGB \
        and a larger network); the generator loss omits the paper's feature-matching and entropy terms on unlabelled \
        images (non-saturating loss only); mu is clamped to [-1, 1] after every step, z = mu + sigma * eps is not. Queries per identity: iterations * samples in the search, \
        restarts for the scoring, plus the public-image queries split over the identities. `seconds` is the search \
        and scoring only, not the GAN training.
        """
    public static let example = """
        type: kedmi
        gan: {side: 64, width: 16, epochs: 60}
        iterations: 300
        samples: 8
        restarts: 5
        """

    public let configuration: Configuration
    public init(configuration: Configuration, context: BuildContext) throws { self.configuration = configuration }

    public func batchSize(targets: Int) -> Int { targets * max(configuration.samples, configuration.restarts) }

    /// The GAN trained with the target's soft labels of the public faces, and the queries spent.
    public func fitGAN(_ model: any PublishedModel, resources: AttackResources) throws -> (gan: InversionGAN, queries: Int) {
        let (images, soft) = try GANInversionSearch.publicOutputs(Self.id, model: model, data: resources.data)
        let gan = try InversionGAN.fit(Self.id, configuration: configuration.gan, mode: .knowledgeExtraction, publicImages: images,
                                       labels: soft, seed: resources.seed, environment: resources.environment)
        return (gan, images.shape[0])
    }

    public func run(against model: any PublishedModel, resources: AttackResources) throws -> AttackResult {
        guard !resources.targets.isEmpty else { return AttackResultAssembly.empty(model: model, restarts: configuration.restarts) }
        let (gan, shared) = try fitGAN(model, resources: resources)
        let began = Date()
        let targets = resources.targets, c = configuration
        let (s, d) = (c.samples, gan.latent)
        let rowIdentity = targets.indices.flatMap { Array(repeating: $0, count: s) }
        let rowTargets = rowIdentity.map { targets[$0] }
        var rng = SeededGenerator(seed: resources.seed).fork(Self.id)
        var variables = [Tensor(zeros: [targets.count, d]), Tensor(repeating: log(c.initialStd), shape: [targets.count, d])]
        let initial = variables
        let rows = try GANInversionSearch.minimise(&variables, iterations: c.iterations, lr: c.lr, environment: resources.environment,
                                                   stage: "kedmi: distributional search") { _, v in
            let z = ReparameterisedLatent.sample(mean: v[0], logStd: v[1], noise: Tensor.normal([rowIdentity.count, d], generator: &rng),
                                                 identities: rowIdentity)
            return Self.objective(gan: gan, model: model, z: z, targets: rowTargets, configuration: c) * (1 / Float(s))
        }
        let curves = targets.indices.map { i in (0..<c.iterations).map { t in (0..<s).reduce(Float(0)) { $0 + rows[i * s + $1][t] } } }
        let drawIdentity = targets.indices.flatMap { Array(repeating: $0, count: c.restarts) }
        let noise = Tensor.normal([drawIdentity.count, d], generator: &rng)
        let z = ReparameterisedLatent.sample(mean: Var(constant: variables[0]), logStd: Var(constant: variables[1]),
                                             noise: noise, identities: drawIdentity)
        let attempts = gan.generate(z).value
        // Each draw's start: the same noise under the initial distribution (mu = 0, sigma = initial_std).
        let startZ = ReparameterisedLatent.sample(mean: Var(constant: initial[0]), logStd: Var(constant: initial[1]),
                                                  noise: noise, identities: drawIdentity)
        return GANInversionSearch.result(targets: targets, attempts: attempts, starts: gan.generate(startZ).value, restarts: c.restarts,
                                         model: model, curves: curves,
                                         searchQueries: targets.map { _ in c.iterations * s }, sharedQueries: shared,
                                         iterations: c.iterations, seconds: Date().timeIntervalSince(began))
    }

    /// KEDMI's per-sample loss: `identity_weight * CE(target) + prior_weight * softplus(-D(G(z)))`.
    static func objective(gan: InversionGAN, model: any PublishedModel, z: Var, targets: [Int], configuration c: Configuration) -> Var {
        let images = gan.generate(z)
        let logProbabilities = model.output(images).logitsOrLogProbabilities.logSoftmax()
        let identity = -(logProbabilities * Tensor.oneHot(targets, classes: model.classes)).sumPerSample()
        let prior = (gan.realism(images) * -1).softplus().sumPerSample()
        return identity * c.identityWeight + prior * c.priorWeight
    }
}
