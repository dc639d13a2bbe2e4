import Foundation
import InvLabCore
import InvLabMetrics
import InvLabTensor
import InvLabTestSupport
import Testing

/// Attack success with an evaluator whose logits are the reconstruction's pixels, so every
/// ranking is planted by hand.
@Suite struct AttackAccuracyTests {
    /// Logits over 8 classes in which `target` has exactly `ahead` classes above it.
    static func logits(target: Int, ahead: Int) -> [Float] {
        var row = [Float](repeating: 0, count: 8)
        row[target] = 0.5
        var placed = 0
        for k in 0..<8 where k != target && placed < ahead {
            row[k] = 0.6 + 0.01 * Float(k)
            placed += 1
        }
        return row
    }

    @Test func topOneAndTopFiveFollowTheEvaluatorsRanking() throws {
        let metric = try MetricTestKit.build("type: attack_accuracy")
        let targets = [2, 5, 7, 0]
        let rows = [Self.logits(target: 2, ahead: 0), Self.logits(target: 5, ahead: 4),
                    Self.logits(target: 7, ahead: 5), Self.logits(target: 0, ahead: 7)]
        let evaluator = MetricTestKit.identityNetwork(classes: 8)
        let data = MetricTestKit.data(train: MetricTestKit.set([[Float](repeating: 0, count: 8)], labels: [0]),
                                      test: MetricTestKit.set([[Float](repeating: 0, count: 8)], labels: [0]), classes: 8)
        // Each reconstruction is its own start (no change to paste), so the evaluator passes the
        // pasted-perturbation test and the planted rankings decide.
        let reconstructions = MetricTestKit.batch(rows)
        let values = try metric.measure(MetricTestKit.input(MetricTestKit.attack(targets: targets, reconstructions: reconstructions,
                                                                                 starts: reconstructions),
                                                            evaluator: evaluator, data: data))
        expectClose(MetricTestKit.perIdentity(values, "attack_top1"), [1, 0, 0, 0])
        expectClose(MetricTestKit.perIdentity(values, "attack_top5"), [1, 1, 0, 0])
        expectClose(MetricTestKit.perIdentity(values, "attack_top1_all_attempts"), [1, 0, 0, 0])
    }

    @Test func tiesGoToTheLowerClassIndexLikeArgmax() throws {
        let metric = try MetricTestKit.build("type: attack_accuracy")
        // Target 3 ties with class 1 (lower index: it wins); target 4 ties with class 6 (target wins).
        var tiedLow = [Float](repeating: 0, count: 8); tiedLow[3] = 1; tiedLow[1] = 1
        var tiedHigh = [Float](repeating: 0, count: 8); tiedHigh[4] = 1; tiedHigh[6] = 1
        var notFinite = [Float](repeating: 0, count: 8); notFinite[5] = .nan
        // Clean test faces the identity network gets right, so that the evaluator passes validation.
        var clean = [Float](repeating: 0, count: 8); clean[0] = 1
        let data = MetricTestKit.data(train: MetricTestKit.set([tiedLow], labels: [0]), test: MetricTestKit.set([clean], labels: [0]), classes: 8)
        let reconstructions = MetricTestKit.batch([tiedLow, tiedHigh, notFinite])
        let values = try metric.measure(MetricTestKit.input(
            MetricTestKit.attack(targets: [3, 4, 5], reconstructions: reconstructions, starts: reconstructions),
            evaluator: MetricTestKit.identityNetwork(classes: 8), data: data))
        expectClose(MetricTestKit.perIdentity(values, "attack_top1"), [0, 1, 0])
        expectClose(MetricTestKit.perIdentity(values, "attack_top5"), [1, 1, 0])
    }

    @Test func allAttemptsColumnIsTheMeanOverEveryRestartNotAnyOfK() throws {
        let metric = try MetricTestKit.build("type: attack_accuracy\nk: 3")
        #expect(metric.columns.map(\.name) == ["attack_top1", "attack_top3", "attack_top1_all_attempts", "judges_valid"])
        let hit0 = Self.logits(target: 0, ahead: 0), miss0 = Self.logits(target: 0, ahead: 2)
        let miss1 = Self.logits(target: 1, ahead: 4)
        // Three restarts each; identity 0: hit, miss, hit (selected: the miss); identity 1: all misses.
        let attempts = MetricTestKit.batch([hit0, miss0, hit0, miss1, miss1, miss1])
        let attack = MetricTestKit.attack(targets: [0, 1], reconstructions: MetricTestKit.batch([miss0, miss1]), attempts: attempts,
                                          restarts: 3, selected: [1, 0], starts: MetricTestKit.batch([miss0, miss1]))
        let data = MetricTestKit.data(train: MetricTestKit.set([hit0], labels: [0]), test: MetricTestKit.set([hit0], labels: [0]), classes: 8)
        let values = try metric.measure(MetricTestKit.input(attack, evaluator: MetricTestKit.identityNetwork(classes: 8), data: data))
        expectClose(MetricTestKit.perIdentity(values, "attack_top1"), [0, 0])
        expectClose(MetricTestKit.perIdentity(values, "attack_top3"), [1, 0])
        expectClose(MetricTestKit.perIdentity(values, "attack_top1_all_attempts"), [2.0 / 3, 0], tolerance: 1e-12)
    }

    @Test("a judge the pasted-perturbation test could not be run on (no start images) decides nothing")
    func untestedJudgeIsNotValid() throws {
        let metric = try MetricTestKit.build("type: attack_accuracy")
        let rows = [Self.logits(target: 2, ahead: 0), Self.logits(target: 5, ahead: 4)]
        var clean = [Float](repeating: 0, count: 8); clean[0] = 1
        let data = MetricTestKit.data(train: MetricTestKit.set([clean], labels: [0]), test: MetricTestKit.set([clean], labels: [0]), classes: 8)
        let reconstructions = MetricTestKit.batch(rows)
        let untested = try metric.measure(MetricTestKit.input(MetricTestKit.attack(targets: [2, 5], reconstructions: reconstructions),
                                                              evaluator: MetricTestKit.identityNetwork(classes: 8), data: data))
        #expect(MetricTestKit.perIdentity(untested, "attack_top1")?.allSatisfy(\.isNaN) == true)
        #expect(untested["judges_valid"] == .trial(0))
        // The same result with its start images: tested, valid, and the rankings decide.
        let tested = try metric.measure(MetricTestKit.input(MetricTestKit.attack(targets: [2, 5], reconstructions: reconstructions,
                                                                               starts: reconstructions),
                                                            evaluator: MetricTestKit.identityNetwork(classes: 8), data: data))
        expectClose(MetricTestKit.perIdentity(tested, "attack_top1"), [1, 0])
        #expect(tested["judges_valid"] == .trial(1))
    }

    @Test func kMustLeaveRoomForTopOne() {
        #expect(MetricTestKit.buildError("type: attack_accuracy\nk: 1")?.contains("expected an integer in [2, 1000], got 1") == true)
        #expect(MetricTestKit.buildError("type: attack_accuracy\nkk: 4")?.contains("did you mean 'k'") == true)
    }
}
