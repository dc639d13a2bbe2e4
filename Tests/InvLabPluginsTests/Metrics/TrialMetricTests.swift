import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabMetrics
import InvLabTensor
import InvLabTestSupport
import Testing

/// Recognition accuracy, target confidence, cost, image similarity and the evaluator probes on
/// planted inputs; the registered ids and their exact columns.
@Suite struct TrialMetricTests {
    @Test func everyDefaultMetricAndTheProbesAreRegisteredWithTheirColumns() throws {
        let registries = try Builtins.registries()
        let ids = registries.ids(of: .metric)
        #expect(registries.defaultMetrics.count == 10)
        for node in registries.defaultMetrics { #expect(ids.contains(node.id), "\(node.id) is not registered") }
        #expect(ids.contains("evaluator_probes"))
        let expected: [String: [String]] = [
            "attack_accuracy": ["attack_top1", "attack_top5", "attack_top1_all_attempts", "judges_valid"],
            "target_confidence": ["target_confidence"],
            "knn_distance": ["knn_distance", "knn_distance_start", "knn_distance_delta",
                             "knn_distance_pixels", "knn_distance_pixels_start", "knn_distance_pixels_delta"],
            "image_similarity": ["psnr", "ssim", "psnr_start", "ssim_start", "psnr_delta", "ssim_delta"],
            "recognition_accuracy": ["accuracy", "accuracy_undefended", "accuracy_drop"],
            "decoy_rate": ["decoy_rate"],
            "cost": ["attack_seconds", "queries", "iterations"],
            "evaluator_probes": ["evaluator_clean", "evaluator_blur", "evaluator_noise", "evaluator_average"],
        ]
        for (id, columns) in expected {
            let metric = try MetricTestKit.build("type: \(id)")
            #expect(metric.columns.map(\.name) == columns, "\(id)")
            let example = try MetricTestKit.build(try #require(registries.metrics.descriptor(id)).example)
            #expect(example.columns.map(\.name).count == columns.count, "\(id) example")
        }
        let trialColumns = ["judges_valid", "accuracy", "accuracy_undefended", "accuracy_drop", "attack_seconds",
                            "evaluator_clean", "evaluator_blur", "evaluator_noise", "evaluator_average"]
        for id in expected.keys {
            for column in try MetricTestKit.build("type: \(id)").columns {
                #expect(column.perIdentity == !trialColumns.contains(column.name), "\(column.name)")
            }
        }
    }

    @Test func recognitionAccuracyOfPublishedAndUndefendedModelsAndTheDrop() throws {
        let metric = try MetricTestKit.build("type: recognition_accuracy")
        let evaluator = MetricTestKit.identityNetwork(classes: 3)
        // The identity network gets 3 of 4 right; a model answering 0 gets the two class-0 images.
        let test = MetricTestKit.set([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]], labels: [0, 1, 2, 0])
        let data = MetricTestKit.data(train: test, test: test, classes: 3)
        let attack = MetricTestKit.attack(targets: [0], reconstructions: MetricTestKit.batch([[1, 0, 0]]))
        let published = ConstantAnswerModel(answer: 0, classes: 3, inputShape: [1, 1, 3])
        let values = try metric.measure(MetricTestKit.input(attack, evaluator: evaluator, data: data, published: published,
                                                            undefended: NetworkModel(evaluator)))
        #expect(MetricTestKit.trial(values, "accuracy") == 0.5)
        #expect(MetricTestKit.trial(values, "accuracy_undefended") == 0.75)
        #expect(MetricTestKit.trial(values, "accuracy_drop") == 0.25)
        let empty = MetricTestKit.data(train: test, test: LabeledSet(images: Tensor(zeros: [0, 1, 1, 3]), labels: []), classes: 3)
        let missing = try metric.measure(MetricTestKit.input(attack, evaluator: evaluator, data: empty))
        #expect(MetricTestKit.trial(missing, "accuracy")?.isNaN == true)
        #expect(MetricTestKit.trial(missing, "accuracy_drop")?.isNaN == true)
    }

    @Test func targetConfidenceReadsTheSelectedAttempt() throws {
        let metric = try MetricTestKit.build("type: target_confidence")
        let images = MetricTestKit.batch([[0, 0], [0, 0]])
        let attack = MetricTestKit.attack(targets: [0, 1], reconstructions: images, attempts: MetricTestKit.batch([[0, 0], [0, 0], [0, 0], [0, 0]]),
                                          restarts: 2, selected: [1, 0], confidence: [0.125, 0.875, 0.25, 0.5])
        let data = MetricTestKit.data(train: MetricTestKit.set([[0, 0]], labels: [0]), test: MetricTestKit.set([[0, 0]], labels: [0]), classes: 2)
        let values = try metric.measure(MetricTestKit.input(attack, evaluator: MetricTestKit.identityNetwork(classes: 2), data: data))
        expectClose(MetricTestKit.perIdentity(values, "target_confidence"), [0.875, 0.25])
    }

    @Test func costReportsTimeQueriesAndIterations() throws {
        let metric = try MetricTestKit.build("type: cost")
        let attack = MetricTestKit.attack(targets: [0, 1], reconstructions: MetricTestKit.batch([[0, 0], [0, 0]]), queries: [100, 250],
                                          iterations: [10, 7], seconds: 2.5)
        let data = MetricTestKit.data(train: MetricTestKit.set([[0, 0]], labels: [0]), test: MetricTestKit.set([[0, 0]], labels: [0]), classes: 2)
        let values = try metric.measure(MetricTestKit.input(attack, evaluator: MetricTestKit.identityNetwork(classes: 2), data: data))
        #expect(MetricTestKit.trial(values, "attack_seconds") == 2.5)
        expectClose(MetricTestKit.perIdentity(values, "queries"), [100, 250])
        expectClose(MetricTestKit.perIdentity(values, "iterations"), [10, 7])
    }

    @Test func imageSimilarityComparesWithTheNearestTrainingImageInPixels() throws {
        let metric = try MetricTestKit.build("type: image_similarity")
        // Class 0 has a 0.5-grey and a 0.75-grey image; the reconstruction equals the second.
        let grey = [Float](repeating: 0.5, count: 6), light = [Float](repeating: 0.75, count: 6)
        let data = MetricTestKit.data(train: MetricTestKit.set([grey, light, grey], labels: [0, 0, 1]),
                                      test: MetricTestKit.set([grey], labels: [0]), classes: 3)
        let attack = MetricTestKit.attack(targets: [0, 1, 2], reconstructions: MetricTestKit.batch([light, light, grey]))
        let values = try metric.measure(MetricTestKit.input(attack, evaluator: MetricTestKit.identityNetwork(classes: 6), data: data))
        let psnr = try #require(MetricTestKit.perIdentity(values, "psnr"))
        let ssim = try #require(MetricTestKit.perIdentity(values, "ssim"))
        #expect(psnr[0] == .infinity && abs(psnr[1] - 10 * log10(16.0)) < 1e-9 && psnr[2].isNaN)
        #expect(ssim[0] == 1 && abs(ssim[1] - (2 * 0.75 * 0.5 + 1e-4) / (0.5625 + 0.25 + 1e-4)) < 1e-9 && ssim[2].isNaN)
        #expect(MetricTestKit.buildError("type: image_similarity\nwindow: 10")?.contains("expected an odd window side, got 10") == true)
    }
}
