import Foundation
import InvLabCore
import InvLabGenerators
import InvLabTensor
import Testing

@Suite("Generator plugins: pca (eigenfaces)")
struct PCAGeneratorTests {
    /// Fits `pca` with `yaml` on `images`, as the eigenface model.
    func fit(_ yaml: String, _ images: Tensor, environment: RunEnvironment = .ephemeral()) throws -> PCAImageGenerator {
        let plugin = try #require(try GeneratorTestKit.build(yaml) as? PCAGenerator)
        return try plugin.fitPCA(publicImages: images, environment: environment)
    }

    @Test("Gram-matrix path (N < D): a public image is reconstructed exactly from its projection")
    func reconstructsPublicImagesGram() throws {
        let images = GeneratorTestKit.blobs(count: 6, height: 5, width: 4)
        let model = try fit("{type: pca}", images)
        #expect(model.latentSize == 5)  // N - 1 directions span the centred data
        for row in [0, 3, 5] {
            let x = images.gathering(rows: [row])
            let z = model.encode(x)
            let reconstruction = model.generate(Var(constant: z)).value
            #expect(reconstruction.shape == [1, 1, 5, 4])
            #expect(zip(reconstruction.scalars, x.scalars).allSatisfy { abs($0 - $1) < 1e-4 }, "row \(row)")
        }
    }

    @Test("covariance path (N > D): components are orthonormal, variances decrease, reconstruction is exact")
    func covariancePath() throws {
        var generator = SeededGenerator(seed: 2)
        let images = Tensor.uniform([20, 2, 2, 2], generator: &generator)
        let model = try fit("{type: pca, components: 3}", images)
        #expect(model.latentSize == 3)
        let gram = Tensor.matmul(model.directions, model.directions, transposeB: true)
        for i in 0..<3 { for j in 0..<3 { #expect(abs(gram[i, j] - (i == j ? 1 : 0)) < 1e-4) } }
        #expect(model.standardDeviations == model.standardDeviations.sorted(by: >))
        let full = try fit("{type: pca, components: 8}", images)
        #expect(full.latentSize == 8)
        let x = images.gathering(rows: [7])
        let back = full.generate(Var(constant: full.encode(x))).value
        #expect(zip(back.scalars, x.scalars).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    @Test("z = 0 gives the mean face; outputs stay in [0, 1] for large codes; latent bounds follow latent_bound")
    func rangeAndBounds() throws {
        let images = GeneratorTestKit.blobs(count: 6, height: 5, width: 4)
        let model = try fit("{type: pca}", images)
        let mean = model.generate(Var(constant: Tensor(zeros: [1, model.latentSize]))).value
        let expectedMean = images.sum(alongAxis: 0).scalars.map { $0 / 6 }
        #expect(zip(mean.scalars, expectedMean).allSatisfy { abs($0 - $1) < 1e-5 })
        var generator = SeededGenerator(seed: 5)
        let large = model.generate(Var(constant: model.sampleLatents(count: 8, generator: &generator) * 20)).value
        #expect(large.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(large.scalars.contains(0) && large.scalars.contains(1))
        #expect(model.latentBounds == -3...3)
        #expect(try fit("{type: pca, latent_bound: null}", images).latentBounds == nil)
        #expect(try fit("{type: pca, latent_bound: 1.5}", images).latentBounds == -1.5...1.5)
    }

    @Test("the gradient of generate with respect to z matches central finite differences")
    func gradientMatchesFiniteDifferences() throws {
        let images = GeneratorTestKit.blobs(count: 6, height: 5, width: 4)
        let model = try fit("{type: pca}", images)
        var generator = SeededGenerator(seed: 9)
        let z = model.sampleLatents(count: 2, generator: &generator) * 0.3
        let weights = Tensor.uniform([2, 1, 5, 4], low: -1, high: 1, generator: &generator)
        let objective = { (z: Tensor) -> Float in (model.generate(Var(constant: z)).value * weights).sum() }
        let (_, gradient) = valueWithGradient(at: z) { (model.generate($0) * weights).sum() }
        let h: Float = 1e-2
        for index in 0..<z.count {
            var plus = z, minus = z
            plus.withUnsafeMutableBufferPointer { $0[index] += h }
            minus.withUnsafeMutableBufferPointer { $0[index] -= h }
            let numeric = (objective(plus) - objective(minus)) / (2 * h)
            #expect(abs(numeric - gradient.scalars[index]) < 1e-2 * max(1, abs(numeric)), "z[\(index)]: \(numeric) vs \(gradient.scalars[index])")
        }
        // Where the output is clamped the gradient is 0: d sum(generate(z)) / dz_k = sum over unclamped pixels of sigma_k u_kp.
        let big = model.sampleLatents(count: 1, generator: &generator) * 40
        let raw = Tensor.matmul(big, model.directions * Tensor(shape: [model.latentSize, 1], scalars: model.standardDeviations)) + model.mean.reshaped([1, model.mean.count])
        let inside = raw.scalars.map { (0...1).contains($0) ? Float(1) : 0 }
        #expect(inside.contains(0) && inside.contains(1), "some pixels clamped, some not")
        let (_, clampedGradient) = valueWithGradient(at: big) { model.generate($0).sum() }
        for k in 0..<model.latentSize {
            let expected = (0..<model.mean.count).reduce(Float(0)) { $0 + inside[$1] * model.standardDeviations[k] * model.directions[k, $1] }
            #expect(abs(clampedGradient.scalars[k] - expected) < 1e-4 * max(1, abs(expected)))
        }
    }

    @Test("fitted tensors are cached: a second fit on the same images reuses them")
    func cacheReuse() throws {
        let progress = CapturedProgress()
        let environment = progress.environment()
        let images = GeneratorTestKit.blobs(count: 6, height: 5, width: 4)
        let first = try fit("{type: pca}", images, environment: environment)
        let second = try fit("{type: pca}", images, environment: environment)
        #expect(first.directions == second.directions)
        #expect(progress.count("fitting pca: done") == 1)
        #expect(progress.count("pca: components loaded from the model cache") == 1)
        _ = try fit("{type: pca}", GeneratorTestKit.blobs(count: 6, height: 5, width: 4, seed: 4), environment: environment)
        #expect(progress.count("fitting pca: done") == 2)
    }
}
