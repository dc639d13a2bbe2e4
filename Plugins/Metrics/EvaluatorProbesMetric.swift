import Foundation
import InvLabCore
import InvLabSpec
import InvLabTensor

/// How the evaluation classifier fares on degraded faces, reported beside the attack results
/// (the article's method notes): an evaluator that scores well on clean faces but fails on
/// blurred, noisy or averaged ones judges blurry reconstructions unfairly.
public struct EvaluatorProbesMetric: MetricPlugin {
    public struct Configuration: SpecConfig {
        public var blurSigma = 1.5
        public var noiseStd = 0.1
        public var averageShare = 0.5
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("blur_sigma", \.blurSigma, doc: "Standard deviation, in pixels, of the Gaussian blur of the blurred probe.", range: 0.1...20),
            SpecField("noise_std", \.noiseStd, doc: "Standard deviation of the additive Gaussian noise of the noisy probe (images in [0, 1], clamped after).",
                      range: 0.001...1),
            SpecField("average_share", \.averageShare, doc: "Weight of the first image in the averaged probe (the partner gets the rest).",
                      range: 0.05...0.95),
        ] }
    }

    public static let id = "evaluator_probes"
    public static let summary = "Evaluation classifier's accuracy on the clean, blurred, noisy and same-person-averaged private test split."
    public static let documentation = """
        Four trial columns: the evaluator's top-1 accuracy on the private test split as it is \
        (`evaluator_clean`), Gaussian-blurred (`evaluator_blur`, sigma `blur_sigma`, edge replication), with \
        additive Gaussian noise (`evaluator_noise`, `noise_std`, clamped to [0, 1]), and on averages of each test \
        image with another test image of the same person (`evaluator_average`, weights `average_share` and \
        1 - `average_share`; persons with one test image are left out). Noise and partners come from a \
        generator forked as `metric.evaluator_probes` from the spec seed, so every trial of a run sees the same \
        probes. NaN when a probe set is empty.
        """
    public static let example = """
        type: evaluator_probes
        blur_sigma: 1.5
        noise_std: 0.1
        """

    public let configuration: Configuration
    let specSeed: UInt64
    let generator: SeededGenerator

    public init(configuration: Configuration, context: BuildContext) throws {
        self.configuration = configuration
        specSeed = context.seed
        generator = SeededGenerator(seed: context.seed).fork("metric.evaluator_probes")
    }

    public var columns: [MetricColumn] { [
        MetricColumn("evaluator_clean", "Evaluation classifier's accuracy on the private test split.", perIdentity: false,
                     presentation: ColumnPresentation(plot: .panels([.evaluatorProbes]))),
        MetricColumn("evaluator_blur", "Evaluation classifier's accuracy on the test split blurred (Gaussian, sigma \(formatNumber(configuration.blurSigma)) px).",
                     perIdentity: false,
                     presentation: ColumnPresentation(plot: .panels([.evaluatorProbes]))),
        MetricColumn("evaluator_noise", "Evaluation classifier's accuracy on the test split with Gaussian noise (std \(formatNumber(configuration.noiseStd))).",
                     perIdentity: false,
                     presentation: ColumnPresentation(plot: .panels([.evaluatorProbes]))),
        MetricColumn("evaluator_average", "Evaluation classifier's accuracy on averages of two test images of the same person.", perIdentity: false,
                     presentation: ColumnPresentation(plot: .panels([.evaluatorProbes]))),
    ] }

    /// The probes depend on the evaluator, the data, the configuration and the seed only, so
    /// the trials of a sweep that share them measure once.
    public func measure(_ input: MetricInput) throws -> [String: MetricValue] {
        input.memo.value("evaluator_probes:\(emitFlowYAML(configuration.specNode)):seed \(specSeed)") { probe(input) }
    }

    private func probe(_ input: MetricInput) -> [String: MetricValue] {
        let test = input.data.privateTest
        let evaluator = input.evaluator
        var noiseGenerator = generator.fork("noise")
        var pairGenerator = generator.fork("pairs")
        let averaged = ProbeImages.averaged(test, share: configuration.averageShare, generator: &pairGenerator)
        func accuracy(_ images: Tensor, _ labels: [Int]) -> Double {
            labels.isEmpty ? .nan : EvaluatorView.accuracy(evaluator, images: images, labels: labels)
        }
        return [
            "evaluator_clean": .trial(accuracy(test.images, test.labels)),
            "evaluator_blur": .trial(accuracy(test.count > 0 ? ProbeImages.blurred(test.images, sigma: configuration.blurSigma) : test.images, test.labels)),
            "evaluator_noise": .trial(accuracy(test.count > 0 ? ProbeImages.noisy(test.images, std: configuration.noiseStd, generator: &noiseGenerator) : test.images,
                                               test.labels)),
            "evaluator_average": .trial(accuracy(averaged.images, averaged.labels)),
        ]
    }
}
