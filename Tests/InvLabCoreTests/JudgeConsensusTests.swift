import Foundation
import InvLabCore
import Testing

@Suite("Judge consensus across a run")
struct JudgeConsensusTests {
    /// A trial with per-identity verdicts of judges `a` and `b` and their validity in this trial.
    static func outcome(_ index: Int, a: [Double], b: [Double], validA: Double, validB: Double) -> TrialOutcome {
        let identities = a.indices.map { row in
            IdentityRow(classIndex: row, name: "p\(row)", values: [
                "attack_top1": JudgeConsensus.vote([validA == 1 && a[row] == 1, validB == 1 && b[row] == 1].enumerated()
                    .filter { [validA, validB][$0.offset] == 1 }.map(\.element)),
                "attack_top1_a": a[row], "attack_top1_b": b[row],
                "attack_top5": 1, "attack_top5_a": 1, "attack_top5_b": 1,
                "attack_top1_all_attempts": 0, "attack_top1_all_attempts_a": a[row], "attack_top1_all_attempts_b": b[row],
            ])
        }
        var values: [String: Double] = ["valid_a": validA, "valid_b": validB, "judges_valid": validA + validB]
        for column in ["attack_top1", "attack_top5", "attack_top1_all_attempts"] {
            let list = identities.compactMap { $0.values[column] }
            values[column] = list.reduce(0, +) / Double(list.count)
            values[column + "_std"] = 0
        }
        return TrialOutcome(index: index, sweep: [], status: .completed, error: nil, values: values, identities: identities,
                            timings: [:], evaluatorIsTarget: false)
    }

    @Test("votes: majority, an even split counts half, no judge is missing")
    func votes() {
        #expect(JudgeConsensus.vote([true, true, false]) == 1)
        #expect(JudgeConsensus.vote([true, false, false]) == 0)
        #expect(JudgeConsensus.vote([true, false]) == 0.5)
        #expect(JudgeConsensus.vote([]).isNaN)
    }

    @Test("a judge invalid in one trial decides no row of the run")
    func runLevelValidity() {
        // Judge a passes in trial 0 but fails in trial 1; b passes in both.
        let outcomes = [Self.outcome(0, a: [1, 1, 1, 0], b: [1, 0, 0, 0], validA: 1, validB: 1),
                        Self.outcome(1, a: [1, 1, 1, 1], b: [0, 1, 0, 0], validA: 0, validB: 1)]
        #expect(outcomes[0].values["attack_top1"] == 0.5, "trial 0 alone: a and b, split votes count half")
        let applied = JudgeConsensus.apply(outcomes)
        #expect(JudgeConsensus.runValidJudges(outcomes) == ["b"])
        #expect(applied[0].identities.map { $0.values["attack_top1"] } == [1, 0, 0, 0], "trial 0 is judged by b alone")
        #expect(applied[0].values["attack_top1"] == 0.25)
        #expect(applied[0].values["attack_top1_all_attempts"] == 0.25)
        #expect(applied[0].values["judges_valid"] == 1)
        #expect(applied[1] == { var expected = outcomes[1]; expected.values["judges_valid"] = 1; return expected }(),
                "trial 1 already used b alone")
        #expect(JudgeConsensus.apply(applied) == applied, "idempotent")
    }

    @Test("outcomes without a judge panel are left alone")
    func noPanel() {
        let plain = TrialOutcome(index: 0, sweep: [], status: .completed, error: nil, values: ["attack_top1": 0.5], identities: [],
                                 timings: [:], evaluatorIsTarget: false)
        #expect(JudgeConsensus.apply([plain]) == [plain])
    }
}

@Suite("Intervals of rates")
struct RateIntervalTests {
    @Test("Wilson intervals: reference values; half successes from split votes")
    func wilson() {
        let none = WilsonInterval.bounds(successes: 0, trials: 30)
        #expect(none.lower == 0 && abs(none.upper - 0.1135) < 1e-4)
        let half = WilsonInterval.bounds(successes: 15, trials: 30)
        #expect(abs(half.lower - 0.3315) < 1e-4 && abs(half.upper - 0.6685) < 1e-4)
        let split = WilsonInterval.bounds(rate: 0.25, trials: 2)
        #expect(split.lower < 0.25 && split.upper > 0.25)
        #expect(WilsonInterval.bounds(successes: 0, trials: 0).lower.isNaN)
    }

    @Test("every rate of a run's tables carries its interval, computed from the per-identity values")
    func tablesCarryIntervals() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": tinySpec])
        defer { fixture.remove() }
        let summary = try runSpec(fixture, out: "run")
        let outcome = try #require(summary.outcomes.first)
        let rate = try #require(outcome.values["attack_top1"])
        let identities = outcome.identities.compactMap { $0.values["attack_top1"] }
        let expected = WilsonInterval.bounds(rate: rate, trials: identities.count)
        #expect(outcome.values["attack_top1_ci_low"] == expected.lower && outcome.values["attack_top1_ci_high"] == expected.upper)
        let header = try text(summary.directory, "results.csv").split(separator: "\n")[0]
        #expect(header.contains("attack_top1,attack_top1_std,attack_top1_ci_low,attack_top1_ci_high"))
    }
}
