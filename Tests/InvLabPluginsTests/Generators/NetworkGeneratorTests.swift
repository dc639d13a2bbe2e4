import Foundation
import InvLabCore
import InvLabGenerators
import InvLabTensor
import Testing

/// vae and dcgan trained for one or two epochs on tiny synthetic data (debug-build speed).
@Suite("Generator plugins: vae and dcgan")
struct NetworkGeneratorTests {
    static let tinyVAE = "{type: vae, side: 32, width: 4, latent: 6, epochs: 2, batch_size: 4}"
    static let tinyGAN = "{type: dcgan, side: 32, width: 4, latent: 8, epochs: 2, batch_size: 4}"
    /// Non-square public images, so the outputs must be resized back to 20 x 16.
    static let images = GeneratorTestKit.blobs(count: 8, height: 20, width: 16)

    func generate(_ fitted: any ImageGenerator, count: Int, seed: UInt64) -> (latents: Tensor, images: Tensor) {
        var generator = SeededGenerator(seed: seed)
        let z = fitted.sampleLatents(count: count, generator: &generator)
        return (z, fitted.generate(Var(constant: z)).value)
    }

    @Test("vae: shapes, N(0, I) latents without bounds, outputs in [0, 1], a differentiable decoder")
    func vaeShapes() throws {
        let fitted = try GeneratorTestKit.build(Self.tinyVAE).fit(publicImages: Self.images, environment: .ephemeral())
        #expect(fitted.latentSize == 6)
        #expect(fitted.latentBounds == nil)
        #expect(fitted.attachment(GANDiscriminator.self) == nil)
        let (z, images) = generate(fitted, count: 3, seed: 1)
        #expect(z.shape == [3, 6])
        #expect(images.shape == [3, 1, 20, 16])
        #expect(images.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        let (_, gradient) = valueWithGradient(at: z) { fitted.generate($0).sum() }
        #expect(gradient.shape == [3, 6] && gradient.isFinite && gradient.scalars.contains { $0 != 0 })
    }

    @Test("dcgan: shapes, U(-1, 1) latents with bounds [-1, 1], a discriminator scoring images")
    func dcganShapes() throws {
        let fitted = try GeneratorTestKit.build(Self.tinyGAN).fit(publicImages: Self.images, environment: .ephemeral())
        #expect(fitted.latentSize == 8)
        #expect(fitted.latentBounds == -1...1)
        let (z, images) = generate(fitted, count: 5, seed: 1)
        #expect(z.shape == [5, 8] && z.scalars.allSatisfy { $0 >= -1 && $0 < 1 })
        #expect(images.shape == [5, 1, 20, 16])
        #expect(images.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        let discriminator = try #require(fitted.attachment(GANDiscriminator.self))
        #expect(discriminator.network.predict(Tensor.resizeBilinear(images, height: 32, width: 32)).shape == [5, 1])
        #expect(discriminator.logits(Var(constant: images)).value == discriminator.network.predict(Tensor.resizeBilinear(images, height: 32, width: 32)))
        let (_, gradient) = valueWithGradient(at: z) { fitted.generate($0).sum() }
        #expect(gradient.shape == [5, 8] && gradient.isFinite && gradient.scalars.contains { $0 != 0 })
    }

    @Test("training is deterministic under the spec's seed; another seed trains another model", arguments: [tinyVAE, tinyGAN])
    func determinism(yaml: String) throws {
        let first = try GeneratorTestKit.build(yaml, seed: 11).fit(publicImages: Self.images, environment: .ephemeral())
        let again = try GeneratorTestKit.build(yaml, seed: 11).fit(publicImages: Self.images, environment: .ephemeral())
        let other = try GeneratorTestKit.build(yaml, seed: 12).fit(publicImages: Self.images, environment: .ephemeral())
        let z = generate(first, count: 2, seed: 4).latents
        #expect(generate(again, count: 2, seed: 4).latents == z)
        let output = first.generate(Var(constant: z)).value
        #expect(again.generate(Var(constant: z)).value == output)
        #expect(other.generate(Var(constant: z)).value != output)
    }

    @Test("a second fit in the same environment loads the cached networks instead of training", arguments: [
        (tinyVAE, "training vae", "vae: encoder and decoder loaded from the model cache"),
        (tinyGAN, "training dcgan", "dcgan: generator and discriminator loaded from the model cache"),
    ])
    func cacheReuse(yaml: String, stage: String, reuse: String) throws {
        let progress = CapturedProgress()
        let environment = progress.environment()
        let plugin = try GeneratorTestKit.build(yaml)
        let first = try plugin.fit(publicImages: Self.images, environment: environment)
        let second = try plugin.fit(publicImages: Self.images, environment: environment)
        #expect(progress.count(stage + ": done") == 1)
        #expect(progress.count(stage + ": 1/2 epochs") == 1)
        #expect(progress.count(reuse) == 1)
        let z = generate(first, count: 2, seed: 3).latents
        #expect(first.generate(Var(constant: z)).value == second.generate(Var(constant: z)).value)
        // Other images are another training.
        _ = try plugin.fit(publicImages: GeneratorTestKit.blobs(count: 8, height: 20, width: 16, seed: 9), environment: environment)
        #expect(progress.count(stage + ": done") == 2)
    }

    @Test("RGB public images give RGB outputs", arguments: [tinyVAE, tinyGAN])
    func channelsFollowTheData(yaml: String) throws {
        let rgb = GeneratorTestKit.blobs(count: 4, channels: 3, height: 12, width: 12)
        let fitted = try GeneratorTestKit.build(yaml).fit(publicImages: rgb, environment: .ephemeral())
        #expect(generate(fitted, count: 2, seed: 1).images.shape == [2, 3, 12, 12])
    }
}
