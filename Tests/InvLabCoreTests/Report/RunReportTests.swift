import Foundation
import InvLabCore
import Testing

/// `RunReport.build` on run directories written by `RunDirectory`.
@Suite struct RunReportTests {
    @Test func reportHasTheTablePlotsAndInlinedImages() throws {
        let url = try ReportTestKit.temporaryDirectory("page")
        defer { try? FileManager.default.removeItem(at: url) }
        try ReportTestKit.writeRun(at: url, outcomes: ReportTestKit.lambdaOutcomes())
        try RunReport.build(runDirectory: url)
        let html = try ReportTestKit.read(url, "report.html")
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<title>tiny-lambda - InversionLab report</title>"))
        #expect(html.contains("Figure 5 of the article, small."))
        // The results table: mean ± std cells for per-identity columns.
        #expect(html.contains("<th>attack_top1</th>") && html.contains("<th>knn_distance</th>") && !html.contains("<th>attack_top1_std</th>"))
        #expect(html.contains("<td class=\"num\">0.55 ± 0.1</td>"))
        #expect(html.contains("<td class=\"num\">11 ± 1.5</td>"))
        // The plot, inline and on disk.
        let svg = try ReportTestKit.read(url, "plots/defense.lambda.svg")
        #expect(html.contains(svg))
        // One inlined grid and one objective curve per trial.
        #expect(ReportTestKit.count("src=\"data:image/png;base64,", in: html) == 3)
        #expect(ReportTestKit.count(">Attack objective</text>", in: html) == 3)
        #expect(html.contains("<h3>Trial 1: defense.lambda = 0.25</h3>"))
        #expect(html.contains("<p class=\"headline\">attack_top1 0.55 \u{00B7} accuracy 0.725 \u{00B7} knn_distance 11</p>"))
        #expect(html.contains("<figcaption>Identities in reading order: s1, s2.</figcaption>"))
        #expect(html.contains("Each pair shows a synthetic private training face (left)"))
        // Provenance and the data split from run.json; the synthetic-data label.
        #expect(html.contains("<th>spec hash</th><td>abc123</td>"))
        #expect(html.contains("0123456789abcdef0123456789abcdef01234567"))
        #expect(html.contains("<th>BLAS kernel</th><td>Haswell</td>"))
        #expect(html.contains("<th>time per stage</th><td>attack 3.75 s, metrics 0.75 s</td>"))
        #expect(html.contains("<th>train images</th><td>16</td>"))
        #expect(html.contains("Synthetic data.") && !html.contains("Real faces."))
        #expect(!html.contains("Evaluator is the target."))
        // Self-contained: no scripts, no external resources.
        #expect(!html.contains("<script") && !html.contains("src=\"http") && !html.contains("href=") && !html.contains("url("))
    }

    @Test("the Judges section is built from the columns' declarations: headings by rank, flags as yes/NO, the chance level")
    func judgesSectionFromDeclaredColumns() throws {
        let url = try ReportTestKit.temporaryDirectory("judges")
        defer { try? FileManager.default.removeItem(at: url) }
        var columns = ReportTestKit.columns
        for name in ["a", "b"] {
            columns.metricColumns += ["sharpness_\(name)", "passed_\(name)", "hidden_\(name)"]
            columns.presentation["sharpness_\(name)"] = .tableOnly(judge: JudgeColumn(judge: name, heading: "sharpness", rank: 1, chance: "floor"))
            columns.presentation["passed_\(name)"] = .tableOnly(judge: JudgeColumn(judge: name, heading: "passed", rank: 2, flag: true))
            columns.presentation["hidden_\(name)"] = .tableOnly(judge: JudgeColumn(judge: name))
        }
        columns.metricColumns.append("floor")
        let outcomes = ReportTestKit.lambdaOutcomes([0]).map { outcome -> TrialOutcome in
            var outcome = outcome
            outcome.values.merge(["sharpness_a": 0.25, "sharpness_b": 0.5, "passed_a": 1, "passed_b": 0, "hidden_a": 9, "hidden_b": 9,
                                  "floor": 0.125]) { $1 }
            return outcome
        }
        try ReportTestKit.writeRun(at: url, outcomes: outcomes, columns: columns,
                                   extraInfo: [("judges", [["name": "a"], ["name": "b"]])])
        try RunReport.build(runDirectory: url)
        let html = try ReportTestKit.read(url, "report.html")
        #expect(html.contains("<tr><th>judge</th><th>sharpness (chance 0.125)</th><th>passed</th></tr>"), "\(html)")
        #expect(html.contains("<tr><td>a</td><td class=\"num\">0.25</td><td>yes</td></tr>"))
        #expect(html.contains("<tr><td>b</td><td class=\"num\">0.5</td><td>NO</td></tr>"))
        // Judge columns stay out of the results table; the panel-wide column stays in it.
        #expect(!html.contains("<th>sharpness_a</th>") && !html.contains("<th>hidden_b</th>") && html.contains("<th>floor</th>"))
    }

    @Test("the footer's rebuild command names the run directory by an absolute path, usable from anywhere")
    func footerCommandUsesAnAbsolutePath() throws {
        let url = try ReportTestKit.temporaryDirectory("footer")
        defer { try? FileManager.default.removeItem(at: url) }
        try ReportTestKit.writeRun(at: url, outcomes: ReportTestKit.lambdaOutcomes([0]), images: false)
        // Given as a path with a `..` detour, the footer still shows the plain absolute path.
        let detour = url.appendingPathComponent("..").appendingPathComponent(url.lastPathComponent)
        try RunReport.build(runDirectory: detour)
        let html = try ReportTestKit.read(url, "report.html")
        let absolute = url.standardizedFileURL.path
        #expect(absolute.hasPrefix("/"))
        #expect(html.contains("rebuild with <code>invlab report \(absolute)</code>"), "\(html.suffix(300))")
    }

    @Test func rebuildingGivesIdenticalBytesAndTheRunnersTables() throws {
        let url = try ReportTestKit.temporaryDirectory("rebuild")
        defer { try? FileManager.default.removeItem(at: url) }
        try ReportTestKit.writeRun(at: url, outcomes: ReportTestKit.lambdaOutcomes())
        let written = try ["results.csv", "results.md", "targets.csv"].map { try ReportTestKit.read(url, $0) }
        try RunReport.build(runDirectory: url)
        let first = try ["report.html", "plots/defense.lambda.svg"].map { try ReportTestKit.read(url, $0) }
        try RunReport.build(runDirectory: url)
        #expect(try ["report.html", "plots/defense.lambda.svg"].map { try ReportTestKit.read(url, $0) } == first)
        // Tables rebuilt from results.jsonl and the CSV headers equal what RunDirectory wrote.
        #expect(try ["results.csv", "results.md", "targets.csv"].map { try ReportTestKit.read(url, $0) } == written)
    }

    @Test func warnsWhenTheEvaluatorIsTheTargetAndLabelsRealFaces() throws {
        let url = try ReportTestKit.temporaryDirectory("warning")
        defer { try? FileManager.default.removeItem(at: url) }
        try ReportTestKit.writeRun(at: url, outcomes: ReportTestKit.lambdaOutcomes(evaluatorIsTarget: true), synthetic: false, images: false)
        try RunReport.build(runDirectory: url)
        let html = try ReportTestKit.read(url, "report.html")
        #expect(html.contains("Evaluator is the target."))
        #expect(html.contains("Real faces.") && !html.contains("Synthetic data."))
        #expect(html.contains("No image grids were written"))
        #expect(try ReportTestKit.read(url, "results.md").contains("Note: attack success in rows marked `evaluator_is_target = yes`"))
    }

    @Test func interruptedRunWithAFailedTrialStillGetsAReport() throws {
        let url = try ReportTestKit.temporaryDirectory("interrupted")
        defer { try? FileManager.default.removeItem(at: url) }
        var outcomes = ReportTestKit.lambdaOutcomes([0, 0.25])
        outcomes[1] = TrialOutcome(index: 1, sweep: outcomes[1].sweep, status: .failed, error: "attack: loss became NaN, at step 3",
                                   values: [:], identities: [], timings: ["attack": 0.5], evaluatorIsTarget: false)
        try ReportTestKit.writeRun(at: url, outcomes: outcomes, status: "interrupted", synthetic: nil)
        try RunReport.build(runDirectory: url)
        let html = try ReportTestKit.read(url, "report.html")
        #expect(html.contains("Incomplete run."))
        #expect(html.contains("Data not recorded."))
        #expect(html.contains("2 of 3 trials recorded, 1 failed"))
        #expect(html.contains("<td>attack: loss became NaN, at step 3</td>"))
        #expect(ReportTestKit.count("src=\"data:image/png;base64,", in: html) == 1)
    }

    @Test func readsNonFiniteValuesWrittenAsStrings() throws {
        // The encoding RunDirectory needs for NaN and infinity (plain JSON has neither).
        let url = try ReportTestKit.temporaryDirectory("nonfinite")
        defer { try? FileManager.default.removeItem(at: url) }
        let line = #"{"error":null,"evaluatorIsTarget":false,"identities":[],"index":0,"status":"completed","sweep":[{"key":"defense.lambda","number":0.5,"text":"0.5"}],"timings":{},"values":{"decoy_rate":"nan","psnr":"inf"}}"#
        try (line + "\n").write(to: url.appendingPathComponent("results.jsonl"), atomically: true, encoding: .utf8)
        try RunReport.build(runDirectory: url)
        let csv = try ReportTestKit.read(url, "results.csv")
        #expect(csv == "trial,defense.lambda,status,decoy_rate,psnr,evaluator_is_target,error\n0,0.5,completed,,inf,no,\n")
        #expect(try ReportTestKit.read(url, "report.html").contains("<td class=\"num\">inf</td>"))
    }

    @Test func refusesADirectoryThatHoldsNoRun() throws {
        let url = try ReportTestKit.temporaryDirectory("empty")
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: RunReportError.self) { try RunReport.build(runDirectory: url) }
        do {
            try RunReport.build(runDirectory: url)
        } catch {
            #expect("\(error)".contains("is not a run directory: it holds neither run.json nor results.jsonl"))
        }
    }
}
