import Foundation
import InvLabCore
import InvLabDefenses
import InvLabNN
import InvLabTensor
import InvLabTestSupport
import Testing

@Suite("Output defense: output_noise")
struct OutputNoiseTests {
    let registries: Registries
    let resources: DefenseResources
    let rows: [[Float]] = [[0.12, 0.61, 0.27], [0.34, 0.33, 0.33], [0.9, 0.05, 0.05], [0.12, 0.61, 0.27]]

    init() throws {
        registries = try DefenseTestKit.registries()
        let set = LabeledSet(images: Tensor(zeros: [1, 1, 1, 3]), labels: [0])
        resources = DefenseTestKit.resources(DefenseTestKit.data(train: set, classes: 3), registries: registries)
    }

    func query(_ yaml: String, _ rows: [[Float]]) throws -> Tensor {
        try DefenseTestKit.build(yaml, registries: registries).wrap(PixelProbabilitiesModel(classes: 3), resources: resources)
            .query(PixelProbabilitiesModel.images(rows))
    }

    @Test("seeded: the same seed and image give the same answer; another seed another one")
    func seededAndReproducible() throws {
        let first = try query("{type: output_noise, sigma: 0.1, seed: 42}", rows)
        let again = try query("{type: output_noise, sigma: 0.1, seed: 42}", rows)
        let other = try query("{type: output_noise, sigma: 0.1, seed: 43}", rows)
        #expect(first == again)
        #expect(first != other)
        // Rows 0 and 3 are the same image: the same answer, so repeating a query averages nothing away.
        #expect(first.slice(alongAxis: 0, 0..<1) == first.slice(alongAxis: 0, 3..<4))
        // Without a seed the noise derives from the spec's seed: reproducible too.
        #expect(try query("{type: output_noise, sigma: 0.1}", rows) == query("{type: output_noise, sigma: 0.1}", rows))
    }

    @Test("the noise of an image does not depend on the batch it is queried in")
    func batchIndependent() throws {
        let batch = try query("{type: output_noise, sigma: 0.2, seed: 1}", rows)
        for (index, row) in rows.enumerated() {
            #expect(try query("{type: output_noise, sigma: 0.2, seed: 1}", [row]) == batch.slice(alongAxis: 0, index..<(index + 1)))
        }
    }

    @Test("published rows are clamped to [0, 1] and renormalised; sigma 0 publishes the input")
    func clampedAndRenormalised() throws {
        let noisy = try query("{type: output_noise, sigma: 0.5, seed: 3}", rows)
        #expect(noisy.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        for row in 0..<rows.count {
            #expect(abs(noisy.slice(alongAxis: 0, row..<(row + 1)).sum() - 1) < 1e-5)
        }
        #expect(noisy != PixelProbabilitiesModel.images(rows).reshaped([4, 3]))
        let silent = try query("{type: output_noise, sigma: 0, seed: 3}", rows)
        expectClose(silent, PixelProbabilitiesModel.images(rows).reshaped([4, 3]), tolerance: 1e-6)
    }

    @Test("the perturbation matches its definition: clamp(p + sigma e, 0, 1) / sum, e seeded by the image")
    func definition() throws {
        let p = Tensor(shape: [2, 3], scalars: [0.2, 0.5, 0.3, 0.05, 0.9, 0.05])
        let images = Tensor(shape: [2, 1, 1, 2], scalars: [0.25, 0.75, 0.5, 0.125])
        for sigma: Float in [0.3, 10] {
            let published = OutputNoiseDefense.perturbed(p, images: images, sigma: sigma, seed: 9)
            var expected: [Float] = []
            for row in 0..<2 {
                var generator = SeededGenerator(seed: OutputNoiseDefense.imageSeed(9, pixels: images.scalars[(2 * row)..<(2 * row + 2)]))
                let clamped = p.scalars[(3 * row)..<(3 * row + 3)].map { min(1, max(0, $0 + sigma * generator.nextNormal())) }
                let total = clamped.reduce(0, +)
                expected += total > 0 ? clamped.map { $0 / total } : [1.0 / 3, 1.0 / 3, 1.0 / 3]
            }
            #expect(published.scalars == expected)
        }
    }
}
