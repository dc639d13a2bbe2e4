import Foundation
import InvLabAttacks
import InvLabCore
import InvLabGenerators
import InvLabNN
import InvLabTensor
import InvLabTestSupport
import Testing

/// The GANs of KEDMI and PLG-MI: the discriminator's soft-label head learns the target's labels,
/// the conditional generator follows its class input, and the cache key holds the labels.
@Suite("Inversion GANs (KEDMI, PLG-MI)")
struct InversionGANTests {
    static func config(epochs: Int) -> InversionGANConfig {
        var config = InversionGANConfig()
        (config.network.side, config.network.width, config.network.latent, config.network.epochs, config.network.batchSize, config.network.lr) = (32, 4, 4, epochs, 8, 0.005)
        return config
    }

    /// Soft cross-entropy of the class head on `images` against `labels`, minus the labels'
    /// entropy: the KL divergence from the labels to the head (0 when they agree).
    static func headDivergence(_ gan: InversionGAN, images: Tensor, labels: Tensor) -> Float {
        let logits = gan.discriminator.forward(Var(constant: Tensor.resizeBilinear(images, height: 32, width: 32)), mode: .training)
        let crossEntropy = GenerativeTrainer.classHeadLoss(logits: logits, labels: labels).value.scalar
        let entropy = -labels.scalars.reduce(Float(0)) { $0 + ($1 > 0 ? $1 * Foundation.log($1) : 0) } / Float(labels.shape[0])
        return crossEntropy - entropy
    }

    @Test("KEDMI: the discriminator's class head trains toward the target's soft labels")
    func softLabelHead() throws {
        let images = GeneratorTestKit.blobs(count: 8, height: 16, width: 16)
        var random = SeededGenerator(seed: 5)
        let labels = Tensor.softmaxLastAxis(Tensor.normal([8, 3], standardDeviation: 2, generator: &random))
        let environment = CapturedProgress().environment()
        let untrained = try InversionGAN.fit("kedmi", configuration: Self.config(epochs: 1), mode: .knowledgeExtraction,
                                             publicImages: images, labels: labels, seed: 1, environment: environment)
        let trained = try InversionGAN.fit("kedmi", configuration: Self.config(epochs: 60), mode: .knowledgeExtraction,
                                           publicImages: images, labels: labels, seed: 1, environment: environment)
        let (before, after) = (Self.headDivergence(untrained, images: images, labels: labels),
                               Self.headDivergence(trained, images: images, labels: labels))
        #expect(after < 0.25 * before, "KL(labels || head) \(before) -> \(after)")
    }

    @Test("PLG-MI: the conditional generator draws the class it is given")
    func conditionalGenerator() throws {
        // Class 0: dark faces, class 1: bright ones; one-hot pseudo-labels.
        let dark = GeneratorTestKit.blobs(count: 4, height: 16, width: 16) * 0.3
        let bright = GeneratorTestKit.blobs(count: 4, height: 16, width: 16, seed: 8) * 0.3 + 0.65
        let images = Tensor.concatenate([dark, bright], alongAxis: 0)
        let labels = Tensor.oneHot([0, 0, 0, 0, 1, 1, 1, 1], classes: 2)
        let gan = try InversionGAN.fit("plgmi", configuration: Self.config(epochs: 80), mode: .conditional, publicImages: images,
                                       labels: labels, seed: 2, environment: CapturedProgress().environment())
        var random = SeededGenerator(seed: 4)
        let z = Var(constant: Tensor.uniform([6, 4], low: -1, high: 1, generator: &random))
        let means = [0, 1].map { c in gan.generate(z, classes: Array(repeating: c, count: 6)).value.sum(alongAxes: [1, 2, 3]).scalars.map { $0 / 256 } }
        for row in 0..<6 { #expect(means[1][row] > means[0][row] + 0.2, "row \(row): class 0 mean \(means[0][row]), class 1 \(means[1][row])") }
    }

    @Test("the GAN is cached under its labels: other labels train again, the same ones load")
    func cacheKeyHoldsLabels() throws {
        let images = GeneratorTestKit.blobs(count: 4, height: 16, width: 16)
        let progress = CapturedProgress()
        let environment = progress.environment()
        func fit(_ labels: [Int]) throws -> InversionGAN {
            try InversionGAN.fit("plgmi", configuration: Self.config(epochs: 1), mode: .conditional, publicImages: images,
                                 labels: Tensor.oneHot(labels, classes: 2), seed: 2, environment: environment)
        }
        let first = try fit([0, 0, 1, 1]), other = try fit([0, 1, 0, 1]), again = try fit([0, 0, 1, 1])
        #expect(progress.count("plgmi: generator and discriminator loaded from the model cache") == 1)
        let weights = [first, other, again].map { $0.generator.state.parameterList.map(\.scalars) }
        #expect(weights[0] != weights[1], "other labels gave the same generator")
        #expect(weights[0] == weights[2], "the cached generator differs from the trained one")
    }
}
