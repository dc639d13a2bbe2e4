import InvLabCore
import InvLabSpec
import InvLabTensor

/// Adds seeded Gaussian noise to the published probabilities, then clamps and renormalises.
public struct OutputNoiseDefense: DefensePlugin {
    public struct Configuration: SpecConfig, Equatable {
        public var sigma = 0.05
        public var seed: Int? = nil
        public var attackerGradient = AttackerGradient.straightThrough
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("sigma", \.sigma, doc: "Standard deviation of the Gaussian noise added to each published probability.", range: 0...10),
            SpecField("seed", \.seed, doc: "Seed of the noise; default: derived from the spec's seed.", check: { seed in
                          guard let seed, seed < 0 else { return nil }
                          return "expected a seed >= 0, got \(seed)"
                      }),
            SpecField("attacker_gradient", \.attackerGradient, doc: """
                Gradient the attacker differentiates: `straight_through` (forward the noisy values, backward the gradient \
                of the noiseless probabilities) or `none` (the noisy values as a constant: zero gradient).
                """),
        ] }
    }

    public static let id = "output_noise"
    public static let summary = "Add seeded Gaussian noise of `sigma` to published probabilities, clamp to [0, 1] and renormalise."
    public static let documentation = """
        A perturbation defense of the prediction API: for each image, q = clamp(p + sigma * e, 0, 1) with \
        e ~ N(0, I), then q / sum(q) (the uniform vector if every entry clamped to 0). The noise is a \
        deterministic function of the seed and the image's pixels: querying the same image twice returns the \
        same answer, so an attacker cannot average the noise away by repeating a query, while any other image \
        gets fresh noise; results do not depend on batch order. Accuracy is measured on the noisy answers.
        """
    public static let example = """
        type: output_noise
        sigma: 0.05
        attacker_gradient: straight_through
        """

    public let configuration: Configuration

    public init(configuration: Configuration, context: BuildContext) throws {
        self.configuration = configuration
    }

    /// The noisy, clamped and renormalised probabilities of `images` under `seed`: row i uses the
    /// normal draws of `SeededGenerator(seed: imageSeed(seed, pixels: image i))`, one per class.
    public static func perturbed(_ probabilities: Tensor, images: Tensor, sigma: Float, seed: UInt64) -> Tensor {
        let imageSize = images.shape.dropFirst().reduce(1, *)
        let pixels = images.scalars
        return mapRows(probabilities) { row, values in
            let start = min(row * imageSize, pixels.count), end = min(start + imageSize, pixels.count)
            var generator = SeededGenerator(seed: imageSeed(seed, pixels: pixels[start..<end]))
            var noisy = values.map { min(1, max(0, $0 + sigma * generator.nextNormal())) }
            let total = noisy.reduce(0, +)
            if total > 0 {
                for index in noisy.indices { noisy[index] /= total }
            } else {
                noisy = Array(repeating: 1 / Float(max(values.count, 1)), count: values.count)
            }
            return noisy
        }
    }

    /// The seed of one image's noise: `seed` mixed with an FNV-1a hash of the pixels' bit patterns.
    public static func imageSeed(_ seed: UInt64, pixels: ArraySlice<Float>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for pixel in pixels { hash = (hash ^ UInt64(pixel.bitPattern)) &* 0x100_0000_01b3 }
        return seed ^ hash
    }

    /// The noise seed: the configured one, or one derived from the defense resources' seed.
    public func noiseSeed(_ resources: DefenseResources) -> UInt64 {
        if let seed = configuration.seed { return UInt64(seed) }
        var generator = SeededGenerator(seed: resources.seed).fork("output_noise")
        return generator.next()
    }

    public func wrap(_ model: any PublishedModel, resources: DefenseResources) throws -> any PublishedModel {
        let sigma = Float(configuration.sigma), seed = noiseSeed(resources)
        return DefendedOutputModel(inner: model, gradient: configuration.attackerGradient,
                                   label: "output_noise(sigma \(configuration.sigma), \(configuration.attackerGradient.rawValue))") { p, x in
            Self.perturbed(p, images: x, sigma: sigma, seed: seed)
        }
    }
}
