import Foundation
import InvLabCore
import InvLabJSON
import Testing

/// Side-by-side tables of two runs, and CSV quoting of awkward text.
@Suite struct RunComparisonTests {
    @Test func trialsAreMatchedBySweepValuesWithDifferences() throws {
        let a = try ReportTestKit.temporaryDirectory("compare-a"), b = try ReportTestKit.temporaryDirectory("compare-b")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        try ReportTestKit.writeRun(at: a, outcomes: ReportTestKit.lambdaOutcomes([0, 0.25]), images: false)
        // B: a different order, one shared lambda, one new; accuracy 0.125 higher everywhere.
        let other = ReportTestKit.lambdaOutcomes([0.5, 0.25]).map { outcome -> TrialOutcome in
            var changed = outcome
            changed.values["accuracy"] = (outcome.values["accuracy"] ?? 0) + 0.125
            return changed
        }
        try ReportTestKit.writeRun(at: b, outcomes: other, images: false)
        let table = try RunComparison.table(a, b)
        #expect(table.columns == ["defense.lambda", "trial_a", "trial_b", "attack_top1_a", "attack_top1_b", "attack_top1_diff",
                                  "knn_distance_a", "knn_distance_b", "knn_distance_diff", "accuracy_a", "accuracy_b", "accuracy_diff"])
        #expect(table.rows == [
            ["0", "0", "", "0.8", "", "", "10", "", "", "0.6", "", ""],
            ["0.25", "1", "1", "0.55", "0.55", "0", "11", "11", "0", "0.725", "0.85", "0.125"],
            ["0.5", "", "0", "", "0.3", "", "", "12", "", "", "0.975", ""],
        ])
    }

    @Test("chosen metrics, interval overlap, spec differences and mismatched sweeps")
    func metricsIntervalsAndNotes() throws {
        let a = try ReportTestKit.temporaryDirectory("compare-ci-a"), b = try ReportTestKit.temporaryDirectory("compare-ci-b")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        func withInterval(_ outcomes: [TrialOutcome], _ bounds: (Double, Double)) -> [TrialOutcome] {
            outcomes.map { var o = $0; o.values["attack_top1_ci_low"] = bounds.0; o.values["attack_top1_ci_high"] = bounds.1; return o }
        }
        try ReportTestKit.writeRun(at: a, outcomes: withInterval(ReportTestKit.lambdaOutcomes([0, 0.25]), (0.6, 0.9)), images: false)
        try ReportTestKit.writeRun(at: b, outcomes: withInterval(ReportTestKit.lambdaOutcomes([0.25, 0.5]), (0.1, 0.3)), images: false,
                                   description: "Another description.")
        let table = try RunComparison.table(a, b, metrics: ["attack_top1"])
        #expect(table.columns == ["defense.lambda", "trial_a", "trial_b", "attack_top1_a", "attack_top1_b", "attack_top1_diff", "attack_top1_differs"])
        #expect(table.rows[1] == ["0.25", "1", "0", "0.55", "0.55", "0", "yes"], "planted intervals [0.6, 0.9] and [0.1, 0.3] do not overlap")
        let notes = try RunComparison.notes(a, b)
        #expect(notes.first == "specs: the same resolved spec (apart from name and description)")
        #expect(notes.contains("sweeps do not match: 1 trial only in A, 1 only in B"))
    }

    @Test("runs with seeds are compared by their pooled rows: mean over the seeds, t-interval over the seeds")
    func pooledRowsAreCompared() throws {
        let a = try ReportTestKit.temporaryDirectory("compare-seeds-a"), b = try ReportTestKit.temporaryDirectory("compare-seeds-b")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        let columns = ResultColumns(sweepKeys: ["defense.lambda", "seed"],
                                    metricColumns: ["attack_top1", "attack_top1_ci_low", "attack_top1_ci_high"], identityColumns: [],
                                    descriptions: [:], presentation: ["attack_top1": ColumnPresentation(interval: true)])
        func seeded(_ values: [Double]) -> [TrialOutcome] {
            values.enumerated().map { index, value in
                TrialOutcome(index: index, sweep: [SweepCell(key: "defense.lambda", text: "0.25", number: 0.25),
                                                   SweepCell(key: "seed", text: String(index + 1), number: Double(index + 1))],
                             status: .completed, error: nil,
                             values: ["attack_top1": value, "attack_top1_ci_low": 0, "attack_top1_ci_high": 1],
                             identities: [], timings: [:], evaluatorIsTarget: false)
            }
        }
        let spec: JSONValue = ["name": "seeded", "seeds": [1, 2, 3]]
        // Every trial's own (Wilson) interval is [0, 1]: only the pooled t-intervals can tell them apart.
        try ReportTestKit.writeRun(at: a, outcomes: seeded([0.50, 0.52, 0.54]), columns: columns, images: false, resolvedSpec: spec)
        try ReportTestKit.writeRun(at: b, outcomes: seeded([0.20, 0.22, 0.24]), columns: columns, images: false, resolvedSpec: spec)
        let table = try RunComparison.table(a, b, metrics: ["seeds", "attack_top1"])
        #expect(table.columns == ["defense.lambda", "trial_a", "trial_b", "seeds_a", "seeds_b", "seeds_diff",
                                  "attack_top1_a", "attack_top1_b", "attack_top1_diff", "attack_top1_differs"])
        // Means 0.52 and 0.22; t-intervals 0.52 +- 4.303 * 0.02 / sqrt(3) = [0.470, 0.570] and [0.170, 0.270].
        #expect(table.rows == [["0.25", "0", "0", "3", "3", "0", "0.52", "0.22", "-0.3", "yes"]])
        #expect(try RunComparison.notes(a, b).filter { $0.contains("pooled over the seeds") }.count == 2)
    }

    @Test("without --metrics, compare shows the columns the terminal summary shows")
    func defaultColumnsAreTheSummarys() throws {
        let a = try ReportTestKit.temporaryDirectory("compare-summary-a")
        defer { try? FileManager.default.removeItem(at: a) }
        var columns = ReportTestKit.columns
        columns.presentation["knn_distance"] = .plain  // not in the summary
        try ReportTestKit.writeRun(at: a, outcomes: ReportTestKit.lambdaOutcomes([0]), columns: columns, images: false)
        #expect(try RunComparison.summaryColumns(a, a) == ["attack_top1", "accuracy"])
        #expect(try RunComparison.knownColumns(a, a).contains("knn_distance"))
    }

    @Test func awkwardTextIsQuotedInCSVAndReadBackFromHeaders() throws {
        let table = TextTable(columns: ["plain", "comma,key", "say \"hi\"", " padded", "multi\nline", "trailing "],
                              rows: [["1", "a,b", "\"q\"", " x ", "l1\rl2", "x"]])
        #expect(table.csv == "plain,\"comma,key\",\"say \"\"hi\"\"\",\" padded\",\"multi\nline\",\"trailing \"\n1,\"a,b\",\"\"\"q\"\"\",\" x \",\"l1\rl2\",x\n")
        // A Windows line break is one Swift Character ("\r\n"), equal to neither "\n" nor "\r".
        #expect(TextTable(columns: ["crlf"], rows: [["l1\r\nl2"]]).csv == "crlf\n\"l1\r\nl2\"\n")
        // Sweep keys with such characters survive results.csv and come back as the same columns.
        let key = "attack.note, \"odd\"\nkey"
        let columns = ResultColumns(sweepKeys: [key], metricColumns: ["accuracy"], identityColumns: [], descriptions: [:])
        let outcome = TrialOutcome(index: 0, sweep: [SweepCell(key: key, text: " spaced, \"value\"", number: nil)], status: .completed,
                                   error: nil, values: ["accuracy": 0.5], identities: [], timings: [:], evaluatorIsTarget: false)
        let url = try ReportTestKit.temporaryDirectory("quoting")
        defer { try? FileManager.default.removeItem(at: url) }
        try ReportTestKit.writeRun(at: url, outcomes: [outcome], columns: columns, images: false)
        let compared = try RunComparison.table(url, url)
        #expect(compared.columns == [key, "trial_a", "trial_b", "accuracy_a", "accuracy_b", "accuracy_diff"])
        #expect(compared.rows == [[" spaced, \"value\"", "0", "0", "0.5", "0.5", "0"]])
        try RunReport.build(runDirectory: url)
        let html = try ReportTestKit.read(url, "report.html")
        #expect(html.contains("<th>attack.note, &quot;odd&quot;\nkey</th>"))
    }
}
