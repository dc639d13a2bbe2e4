import Foundation
import InvLabCore
import InvLabTensor
import InvLabTestSupport
import Testing

/// l1, l2, total_variation and latent_norm: values and gradients on hand-computed small cases.
@Suite("Regularizer plugins: pixel and latent penalties")
struct PixelPriorTests {
    /// Two 1x1x2x2 images: [[0.1, 0.5], [0.9, 0.3]] and [[0, 0.1], [0.3, 0.7]].
    let images = Tensor(shape: [2, 1, 2, 2], scalars: [0.1, 0.5, 0.9, 0.3, 0, 0.1, 0.3, 0.7])

    @Test("l2: sum x^2 with gradient 2x; with center c, sum (x - c)^2 with gradient 2 (x - c)")
    func l2() throws {
        let plain = try RegularizerTestKit.build("{type: l2}")
        #expect(plain.weight == 0.001)
        let (value, gradient) = RegularizerTestKit.penaltyAndGradient(plain, images: images)
        expectClose(value, [1.16, 0.59])
        expectClose(gradient, [0.2, 1.0, 1.8, 0.6, 0, 0.2, 0.6, 1.4])
        let centred = try RegularizerTestKit.build("{type: l2, center: 0.5, weight: 2}")
        #expect(centred.weight == 2)
        let (centredValue, centredGradient) = RegularizerTestKit.penaltyAndGradient(centred, images: images)
        expectClose(centredValue, [0.36, 0.49])
        expectClose(centredGradient, [-0.8, 0, 0.8, -0.4, -1, -0.8, -0.4, 0.4])
    }

    @Test("l1: sum |x - c| with gradient sign(x - c), 0 at the center")
    func l1() throws {
        let plain = try RegularizerTestKit.build("{type: l1}")
        #expect(plain.weight == 0.0005)
        let (value, gradient) = RegularizerTestKit.penaltyAndGradient(plain, images: images)
        expectClose(value, [1.8, 1.1])
        expectClose(gradient, [1, 1, 1, 1, 0, 1, 1, 1])
        let (centredValue, centredGradient) = RegularizerTestKit.penaltyAndGradient(try RegularizerTestKit.build("{type: l1, center: 0.5}"), images: images)
        expectClose(centredValue, [1.0, 1.3])
        expectClose(centredGradient, [-1, 0, 1, -1, -1, -1, -1, 1])
    }

    /// Image [[a, b], [c, d]] = [[0, 0.1], [0.3, 0.7]]: vertical differences 0.3, 0.6, horizontal 0.1, 0.4.
    @Test("total_variation, anisotropic: |0.3| + |0.6| + |0.1| + |0.4| = 1.4; gradient (-2, 0, 0, 2)")
    func anisotropicTV() throws {
        let tv = try RegularizerTestKit.build("{type: total_variation}")
        #expect(tv.weight == 0.001)
        let image = images.gathering(rows: [1])
        let (value, gradient) = RegularizerTestKit.penaltyAndGradient(tv, images: image)
        expectClose(value, [1.4])
        expectClose(gradient, [-2, 0, 0, 2], tolerance: 1e-4)
    }

    @Test("total_variation, isotropic: only the top-left pixel has both neighbours: sqrt(0.3^2 + 0.1^2); gradient (-4, 1, 3, 0) / sqrt(10)")
    func isotropicTV() throws {
        let tv = try RegularizerTestKit.build("{type: total_variation, isotropic: true}")
        let (value, gradient) = RegularizerTestKit.penaltyAndGradient(tv, images: images.gathering(rows: [1]))
        expectClose(value, [Float(0.1).squareRoot()])
        let root10 = Float(10).squareRoot()
        expectClose(gradient, [-4 / root10, 1 / root10, 3 / root10, 0], tolerance: 1e-4)
    }

    @Test("total_variation's epsilon: a flat 2x2 image costs 4 sqrt(eps) anisotropic, sqrt(eps) isotropic")
    func tvEpsilon() throws {
        let flat = Tensor(repeating: 0.5, shape: [1, 1, 2, 2])
        let anisotropic = try RegularizerTestKit.build("{type: total_variation, epsilon: 0.01}")
        expectClose(RegularizerTestKit.penaltyAndGradient(anisotropic, images: flat).penalty, [0.4])
        let isotropic = try RegularizerTestKit.build("{type: total_variation, epsilon: 0.01, isotropic: true}")
        expectClose(RegularizerTestKit.penaltyAndGradient(isotropic, images: flat).penalty, [0.1])
    }

    @Test("latent_norm: ||z||^2 per code with gradient 2z; zero without latents")
    func latentNorm() throws {
        let norm = try RegularizerTestKit.build("{type: latent_norm}")
        #expect(norm.weight == 0.001)
        let z = Tensor(shape: [2, 2], scalars: [1, 2, 3, -1])
        let (value, gradient) = valueWithGradient(at: z) { norm.penalty(images: Var(constant: images), latents: $0).sum() }
        #expect(value.scalar == 15)
        expectClose(norm.penalty(images: Var(constant: images), latents: Var(constant: z)).value, [5, 10])
        expectClose(gradient, [2, 4, 6, -2])
        let (pixelPenalty, pixelGradient) = RegularizerTestKit.penaltyAndGradient(norm, images: images)
        expectClose(pixelPenalty, [0, 0])
        expectClose(pixelGradient, Array(repeating: 0, count: 8))
    }
}
