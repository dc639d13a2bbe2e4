import Foundation
import InvLabCore
import InvLabDefenses
import InvLabDummyRecognizer
import InvLabMetrics
import InvLabNN
import InvLabTensor
import InvLabTestSupport
import Testing

/// KNN distance and decoy rate with planted features.
@Suite struct DistanceMetricTests {
    /// Classes 0 and 1 have training images; class 2 has none.
    static let data = MetricTestKit.data(
        train: MetricTestKit.set([[0, 0, 0, 0], [1, 1, 1, 1], [2, 0, 0, 0]], labels: [0, 0, 1]),
        test: MetricTestKit.set([[0, 0, 0, 0]], labels: [0]), classes: 3)
    static let reconstructions = MetricTestKit.batch([[0.25, 0.25, 0.25, 0.25], [0, 0, 0, 0], [1, 1, 1, 1]])

    @Test func knnDistanceIsTheSmallestSquaredDistanceToTheTargetsTrainingImages() throws {
        let metric = try MetricTestKit.build("type: knn_distance\npixel_distance: false")
        #expect(metric.columns.map(\.name) == ["knn_distance", "knn_distance_start", "knn_distance_delta"])
        // Features of [Flatten, Linear] are the pixels themselves.
        let evaluator = MetricTestKit.linearNetwork(d: 4, classes: 3, weights: [Float](repeating: 0.1, count: 12))
        let values = try metric.measure(MetricTestKit.input(MetricTestKit.attack(targets: [0, 1, 2], reconstructions: Self.reconstructions),
                                                            evaluator: evaluator, data: Self.data))
        // 0.25 to [0,0,0,0] (not 2.25 to [1,1,1,1]); 4 to class 1's only image (class 0's zero image is not the target's); NaN without images.
        expectClose(MetricTestKit.perIdentity(values, "knn_distance"), [0.25, 4, .nan], tolerance: 1e-6)
    }

    @Test func knnDistanceUsesThePenultimateLayerOfTheEvaluator() throws {
        // Features: Linear(4, 2) with rows [1,1,1,1] and [0,0,0,0], i.e. (sum of pixels, 0).
        var evaluator = Network(Sequential([Flatten(), Linear(4, 2), Linear(2, 3)]), inputShape: [1, 1, 4], seed: 0)
        evaluator.state.parameters["1.weight"] = Tensor(shape: [2, 4], scalars: [1, 1, 1, 1, 0, 0, 0, 0])
        evaluator.state.parameters["1.bias"] = Tensor(zeros: [2])
        let attack = MetricTestKit.attack(targets: [0, 1, 2], reconstructions: Self.reconstructions)
        let features = try MetricTestKit.build("type: knn_distance").measure(MetricTestKit.input(attack, evaluator: evaluator, data: Self.data))
        expectClose(MetricTestKit.perIdentity(features, "knn_distance"), [1, 4, .nan], tolerance: 1e-6)
        let pixels = try MetricTestKit.build("type: knn_distance\nspace: pixels").measure(MetricTestKit.input(attack, evaluator: evaluator, data: Self.data))
        expectClose(MetricTestKit.perIdentity(pixels, "knn_distance"), [0.25, 4, .nan], tolerance: 1e-6)
    }

    @Test func decoyRateComparesTheNearestDecoyWithTheNearestRealFace() throws {
        let metric = try MetricTestKit.build("type: decoy_rate")
        #expect(metric.columns.map(\.name) == ["decoy_rate"])
        let evaluator = MetricTestKit.linearNetwork(d: 2, classes: 3, weights: [Float](repeating: 0, count: 6))
        let data = MetricTestKit.data(train: MetricTestKit.set([[0, 0], [1, 1], [0, 1]], labels: [0, 1, 2]),
                                      test: MetricTestKit.set([[0, 0]], labels: [0]), classes: 3)
        let decoys = DecoyImages(images: [MetricTestKit.batch([[5, 5], [0.5, 0]]), MetricTestKit.batch([[1, 1.5]]), Tensor(zeros: [0, 1, 1, 2])])
        let published = DecoyPlantingModel(inner: NetworkModel(evaluator), planted: decoys)
        // Identity 0 lands next to its decoy (0.01 vs 0.16), identity 1 next to the real face (0.16 vs 0.01),
        // class 2 has no decoy (NaN, left out of the mean).
        let attack = MetricTestKit.attack(targets: [0, 1, 2], reconstructions: MetricTestKit.batch([[0.4, 0], [1, 1.1], [0, 1]]))
        let values = try metric.measure(MetricTestKit.input(attack, evaluator: evaluator, data: data, published: published))
        expectClose(MetricTestKit.perIdentity(values, "decoy_rate"), [1, 0, .nan])
        let (mean, _) = MetricAggregation.meanAndStd(MetricTestKit.perIdentity(values, "decoy_rate") ?? [])
        #expect(mean == 0.5)
        // The decoys are an attachment, found through a wrapping output defense as well.
        let wrapped = DefendedOutputModel(inner: published, gradient: .straightThrough, label: "identity") { probabilities, _ in probabilities }
        let throughWrapper = try metric.measure(MetricTestKit.input(attack, evaluator: evaluator, data: data, published: wrapped))
        expectClose(MetricTestKit.perIdentity(throughWrapper, "decoy_rate"), [1, 0, .nan])
    }

    @Test func decoyRateIsMissingNotZeroWithoutDecoys() throws {
        let metric = try MetricTestKit.build("type: decoy_rate")
        let evaluator = MetricTestKit.linearNetwork(d: 4, classes: 3, weights: [Float](repeating: 0, count: 12))
        let values = try metric.measure(MetricTestKit.input(MetricTestKit.attack(targets: [0, 1, 2], reconstructions: Self.reconstructions),
                                                            evaluator: evaluator, data: Self.data))
        let list = MetricTestKit.perIdentity(values, "decoy_rate")
        #expect(list?.count == 3 && list?.allSatisfy(\.isNaN) == true)
        #expect(formatNumber(MetricAggregation.meanAndStd(list ?? []).0) == "")
    }
}
