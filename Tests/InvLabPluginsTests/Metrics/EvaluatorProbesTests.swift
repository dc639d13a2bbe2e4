import Foundation
import InvLabCore
import InvLabMetrics
import InvLabTensor
import Testing

/// The evaluator's accuracy on degraded probes, with an evaluator whose logits are the pixels.
@Suite struct EvaluatorProbesTests {
    /// Class 0 twice (a clear spike at pixel 0), class 2 once (a narrow peak at pixel 2 beside a
    /// broad 0.7 at the edge pixel 4, which blur turns into the winner).
    static let test = MetricTestKit.set([[1, 0, 0, 0, 0], [0.9, 0, 0, 0, 0.5], [0, 0, 0.8, 0, 0.7]], labels: [0, 0, 2])

    static func measure(_ yaml: String, seed: UInt64 = 7, test: LabeledSet = test) throws -> [String: MetricValue] {
        let metric = try MetricTestKit.build(yaml, seed: seed)
        let data = MetricTestKit.data(train: test, test: test, classes: 5)
        let attack = MetricTestKit.attack(targets: [0], reconstructions: MetricTestKit.batch([[1, 0, 0, 0, 0]]))
        return try metric.measure(MetricTestKit.input(attack, evaluator: MetricTestKit.identityNetwork(classes: 5), data: data))
    }

    @Test func cleanBlurredNoisyAndAveragedAccuracies() throws {
        let values = try Self.measure("type: evaluator_probes\nnoise_std: 0.001")
        #expect(MetricTestKit.trial(values, "evaluator_clean") == 1)
        // Blur (sigma 1.5, edge replication) moves the third image's maximum to the edge pixel.
        #expect(MetricTestKit.trial(values, "evaluator_blur") == 2.0 / 3)
        #expect(MetricTestKit.trial(values, "evaluator_noise") == 1)
        // Only class 0 has two images; both of its averages stay class 0; class 2 is left out.
        #expect(MetricTestKit.trial(values, "evaluator_average") == 1)
    }

    @Test func strongNoiseHurtsAndEveryValueIsDeterministicUnderTheSeed() throws {
        var rows: [[Float]] = [], labels: [Int] = []
        for index in 0..<40 {
            var row = [Float](repeating: 0.45, count: 5)
            row[index % 5] = 0.55
            rows.append(row); labels.append(index % 5)
        }
        let set = MetricTestKit.set(rows, labels: labels)
        let first = try Self.measure("type: evaluator_probes\nnoise_std: 0.5", test: set)
        let again = try Self.measure("type: evaluator_probes\nnoise_std: 0.5", test: set)
        #expect(first == again)
        let noisy = try #require(MetricTestKit.trial(first, "evaluator_noise"))
        #expect(noisy < 0.7, "noise of std 0.5 should break a 0.1 margin, got \(noisy)")
        #expect(MetricTestKit.trial(first, "evaluator_clean") == 1)
    }

    @Test func probesWithoutImagesAreMissing() throws {
        let single = MetricTestKit.set([[1, 0, 0, 0, 0], [0, 1, 0, 0, 0]], labels: [0, 1])
        let values = try Self.measure("type: evaluator_probes", test: single)
        #expect(MetricTestKit.trial(values, "evaluator_average")?.isNaN == true)
        let empty = LabeledSet(images: Tensor(zeros: [0, 1, 1, 5]), labels: [])
        let none = try Self.measure("type: evaluator_probes", test: empty)
        for column in ["evaluator_clean", "evaluator_blur", "evaluator_noise", "evaluator_average"] {
            #expect(MetricTestKit.trial(none, column)?.isNaN == true, "\(column)")
        }
    }

    @Test func strengthsAreValidated() {
        #expect(MetricTestKit.buildError("type: evaluator_probes\nnoise_std: 0") != nil)
        #expect(MetricTestKit.buildError("type: evaluator_probes\nblur_sigma: 30") != nil)
        #expect(MetricTestKit.buildError("type: evaluator_probes\naverage_share: 1") != nil)
    }
}
