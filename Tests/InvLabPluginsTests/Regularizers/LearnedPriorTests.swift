import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabGenerators
import InvLabNN
import InvLabRegularizers
import InvLabSpec
import InvLabTensor
import InvLabTestSupport
import Testing

/// dae_prior and discriminator_prior: trained on tiny synthetic public sets, cached, and
/// differentiable.
@Suite("Regularizer plugins: learned priors")
struct LearnedPriorTests {
    static let dae = "{type: dae_prior, channels: [8, 16], epochs: 40, batch_size: 8, lr: 0.01, noise: 0.05}"
    static let publicFaces = GeneratorTestKit.blobs(count: 32, height: 8, width: 8, seed: 21)

    @Test("dae_prior: after training on public blobs, clean blobs cost much less than noise")
    func daeSeparatesCleanFromNoise() throws {
        var regularizer = try RegularizerTestKit.build(Self.dae)
        #expect(regularizer.weight == 0.001)
        try regularizer.prepare(try RegularizerTestKit.resources(RegularizerTestKit.data(publicImages: Self.publicFaces),
                                                                 environment: .ephemeral()))
        let clean = GeneratorTestKit.blobs(count: 8, height: 8, width: 8, seed: 77)
        var generator = SeededGenerator(seed: 3)
        let noise = Tensor.uniform([8, 1, 8, 8], generator: &generator)
        let cleanPenalty = regularizer.penalty(images: Var(constant: clean), latents: nil).value
        let noisePenalty = regularizer.penalty(images: Var(constant: noise), latents: nil).value
        #expect(cleanPenalty.shape == [8] && noisePenalty.shape == [8])
        #expect(cleanPenalty.mean() < 0.25 * noisePenalty.mean(), "clean \(cleanPenalty.mean()), noise \(noisePenalty.mean())")
        #expect(cleanPenalty.scalars.max()! < noisePenalty.scalars.min()!)
    }

    @Test("dae_prior: the cache key makes a second preparation reuse the trained DAE, also at another weight")
    func daeCacheReuse() throws {
        let progress = CapturedProgress()
        let environment = progress.environment()
        let resources = try RegularizerTestKit.resources(RegularizerTestKit.data(publicImages: Self.publicFaces), environment: environment)
        let quick = "{type: dae_prior, channels: [4], epochs: 2, batch_size: 8}"
        var first = try RegularizerTestKit.build(quick)
        try first.prepare(resources)
        var second = try RegularizerTestKit.build("{type: dae_prior, channels: [4], epochs: 2, batch_size: 8, weight: 0.5}")
        try second.prepare(resources)
        #expect(progress.count("training dae_prior denoising autoencoder: done") == 1)
        #expect(progress.count("dae_prior: denoising autoencoder loaded from the model cache") == 1)
        let probe = Var(constant: GeneratorTestKit.blobs(count: 2, height: 8, width: 8, seed: 5))
        #expect(first.penalty(images: probe, latents: nil).value == second.penalty(images: probe, latents: nil).value)
        // Another training setting or another spec seed is another model.
        var third = try RegularizerTestKit.build("{type: dae_prior, channels: [4], epochs: 3, batch_size: 8}")
        try third.prepare(resources)
        var fourth = try RegularizerTestKit.build(quick, seed: 99)
        try fourth.prepare(resources)
        #expect(progress.count("training dae_prior denoising autoencoder: done") == 3)
    }

    @Test("dae_prior: sides that 2^stages does not divide are padded; the gradient matches finite differences")
    func daePaddingAndGradient() throws {
        var regularizer = try RegularizerTestKit.build("{type: dae_prior, channels: [4, 8], epochs: 1, batch_size: 4}")
        let publicImages = GeneratorTestKit.blobs(count: 8, height: 6, width: 10)
        try regularizer.prepare(try RegularizerTestKit.resources(RegularizerTestKit.data(publicImages: publicImages), environment: .ephemeral()))
        let dae = try #require((regularizer as? DenoisingPriorRegularizer)?.autoencoder)
        #expect(dae.inputShape == [1, 8, 12])
        let x = GeneratorTestKit.blobs(count: 3, height: 6, width: 10, seed: 8)
        let (value, gradient) = valueWithGradient(at: x) { regularizer.penalty(images: $0, latents: nil).sum() }
        #expect(regularizer.penalty(images: Var(constant: x), latents: nil).value.shape == [3])
        #expect(gradient.shape == [3, 1, 6, 10] && gradient.isFinite)
        // Directional derivative along a random direction, by central differences.
        var generator = SeededGenerator(seed: 4)
        let direction = Tensor.uniform(x.shape, low: -1, high: 1, generator: &generator)
        let h: Float = 1e-3
        let plus = regularizer.penalty(images: Var(constant: x + direction * h), latents: nil).value.sum()
        let minus = regularizer.penalty(images: Var(constant: x - direction * h), latents: nil).value.sum()
        let numeric = (plus - minus) / (2 * h)
        let analytic = (gradient * direction).sum()
        #expect(abs(numeric - analytic) < 0.02 * max(1, abs(analytic)), "numeric \(numeric), analytic \(analytic), value \(value.scalar)")
    }

    @Test("learned priors without a public set fail with a message that names the data keys", arguments: ["dae_prior", "discriminator_prior"])
    func noPublicSet(id: String) throws {
        var regularizer = try RegularizerTestKit.build("{type: \(id)}")
        let resources = try RegularizerTestKit.resources(RegularizerTestKit.data(publicImages: Tensor(zeros: [0, 1, 8, 8])),
                                                         environment: .ephemeral())
        #expect {
            try regularizer.prepare(resources)
        } throws: { error in
            "\(error)" == "regularizer '\(id)' trains on the public split, but this experiment has no public images; "
                + "set data.public_identities (identities held out of the source) or data.public_source (another dataset)"
        }
    }

    @Test("discriminator_prior: softplus(-D(x)) with D of its dcgan generator node, sharing one training with the attack's")
    func discriminatorPrior() throws {
        let progress = CapturedProgress()
        let environment = progress.environment()
        let publicImages = GeneratorTestKit.blobs(count: 8, height: 20, width: 16)
        let keys = "side: 32, width: 4, latent: 8, epochs: 2, batch_size: 4"
        var regularizer = try RegularizerTestKit.build("{type: discriminator_prior, generator: {type: dcgan, \(keys)}}", seed: 5)
        #expect(regularizer.weight == 0.01)
        try regularizer.prepare(try RegularizerTestKit.resources(RegularizerTestKit.data(publicImages: publicImages), environment: environment))
        // The attack's dcgan with the same keys and spec seed reuses the regularizer's training.
        let gan = try GeneratorTestKit.build("{type: dcgan, \(keys)}", seed: 5).fit(publicImages: publicImages, environment: environment)
        #expect(progress.count("training dcgan: done") == 1)
        #expect(progress.count("dcgan: generator and discriminator loaded from the model cache") == 1)
        let discriminator = try #require(gan.attachment(GANDiscriminator.self)).network

        let x = GeneratorTestKit.blobs(count: 3, height: 20, width: 16, seed: 6)
        let penalty = regularizer.penalty(images: Var(constant: x), latents: nil).value
        let logits = discriminator.predict(Tensor.resizeBilinear(x, height: 32, width: 32))
        let expected = logits.scalars.map { Foundation.log(1 + Foundation.exp(-$0)) }
        expectClose(penalty, expected, tolerance: 1e-5)
        let (_, gradient) = valueWithGradient(at: x) { regularizer.penalty(images: $0, latents: nil).sum() }
        #expect(gradient.shape == x.shape && gradient.isFinite && gradient.scalars.contains { $0 != 0 })
    }

    @Test("discriminator_prior scores with the GANDiscriminator its generator attaches, whatever the generator")
    func discriminatorThroughAttachment() throws {
        var registries = try Builtins.registries()
        try registries.register(FixedDiscriminatorGeneratorPlugin.self, module: "InvLabPluginsTests")
        let resources = try RegularizerTestKit.resources(RegularizerTestKit.data(publicImages: Self.publicFaces), environment: .ephemeral())
        var regularizer = try RegularizerTestKit.build("{type: discriminator_prior, generator: test_fixed_discriminator}", registries: registries)
        try regularizer.prepare(resources)
        let x = GeneratorTestKit.blobs(count: 3, height: 8, width: 8, seed: 9)
        let logits = FixedDiscriminatorGeneratorPlugin.discriminator.predict(Tensor.resizeBilinear(x, height: 4, width: 4))
        let expected = logits.scalars.map { Foundation.log(1 + Foundation.exp(-$0)) }
        expectClose(regularizer.penalty(images: Var(constant: x), latents: nil).value, expected, tolerance: 1e-5)

        // A generator that attaches no discriminator is refused when the regulariser is prepared.
        var withoutDiscriminator = try RegularizerTestKit.build("{type: discriminator_prior, generator: {type: pca, components: 2}}")
        #expect {
            try withoutDiscriminator.prepare(resources)
        } throws: { error in
            "\(error)" == "discriminator_prior: generator 'pca' (at attack.regularizers[0].generator) has no discriminator; use a GAN such as {type: dcgan}"
        }
    }
}

/// A stand-in generator plugin whose fitted generator attaches a fixed, seeded discriminator on
/// 4 x 4 images (and generates the latent itself, reshaped).
struct FixedDiscriminatorGeneratorPlugin: GeneratorPlugin {
    struct Configuration: SpecConfig {
        init() {}
        static var fields: [SpecField<Self>] { [] }
    }
    static let id = "test_fixed_discriminator"
    static let summary = "Test stand-in: a fixed discriminator attached to the fitted generator."
    static let example = "type: test_fixed_discriminator"
    static var discriminator: Network { Network(Sequential([Flatten(), Linear(16, 1)]), inputShape: [1, 4, 4], seed: 3) }
    init(configuration: Configuration, context: BuildContext) throws {}

    func fit(publicImages: Tensor, environment: RunEnvironment) throws -> any ImageGenerator { Fitted() }

    struct Fitted: ImageGenerator {
        var latentSize: Int { 16 }
        var latentBounds: ClosedRange<Float>? { nil }
        func generate(_ latents: Var) -> Var { latents.reshaped([latents.shape[0], 1, 4, 4]) }
        func sampleLatents(count: Int, generator: inout SeededGenerator) -> Tensor { Tensor(zeros: [count, 16]) }
        func attachment<T>(_ type: T.Type) -> T? {
            type == GANDiscriminator.self ? GANDiscriminator(network: FixedDiscriminatorGeneratorPlugin.discriminator) as? T : nil
        }
    }
}
