import Foundation

/// The content of `report.html`: one self-contained page (styles inline, SVG plots inline,
/// PNG grids as base64 data URIs, no scripts, no external resources) built from a run's files.
/// The page has no timestamp of its own, so rebuilding an unchanged run gives the same bytes.
struct ReportPage {
    var run: RunFiles
    /// Plots per numeric sweep key: the key, its file name under `plots/`, the SVG.
    var plots: [(key: String, file: String, svg: String)]
    var descriptions: [String: String]
    /// With `seeds:`, the rows pooled over seeds (`SeedPooling`), shown before the per-seed rows.
    var pooled: (outcomes: [TrialOutcome], columns: ResultColumns)? = nil

    func html() -> String {
        var body = header() + banners()
        body += section("Results", results())
        body += section("Judges", JudgeSection.html(run))
        body += section("Plots", plotsSection())
        body += section("Reconstructions", reconstructions())
        body += section("Provenance", HTML.keyValues(provenance()))
        body += section("Data", data())
        body += "<footer>Built from the files of this run directory by InversionLab \(HTML.escape(Provenance.version)); rebuild with <code>invlab report \(HTML.escape(run.url.standardizedFileURL.path))</code>.</footer>\n"
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(run.name)) - InversionLab report</title>
            <style>
            \(Self.style)
            </style>
            </head>
            <body>
            <main>
            \(body)</main>
            </body>
            </html>

            """
    }

    static let style = """
        body { margin: 0; background: #eef0f3; color: #1f2328; font: 15px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
        main { max-width: 1100px; margin: 0 auto; padding: 28px 36px 40px; background: #ffffff; min-height: 100vh; box-sizing: border-box; }
        h1 { font-size: 28px; margin: 0 0 4px; }
        h2 { font-size: 20px; margin: 36px 0 12px; padding-bottom: 4px; border-bottom: 2px solid #e1e4e8; }
        p.description { font-size: 16px; color: #444c56; margin: 4px 0 12px; }
        p.status { color: #57606a; margin: 0 0 12px; }
        .banner { padding: 10px 14px; border-radius: 6px; margin: 10px 0; }
        .banner.synthetic { background: #e6f4ea; border: 1px solid #8cc79b; }
        .banner.real { background: #fff5e0; border: 1px solid #e5c07b; }
        .banner.warning { background: #fdebea; border: 1px solid #e49a93; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; font-size: 13px; }
        th, td { padding: 4px 9px; border-bottom: 1px solid #e6e8eb; text-align: left; vertical-align: top; }
        thead th { background: #f3f5f7; border-bottom: 2px solid #d0d7de; white-space: nowrap; }
        tbody tr:nth-child(even) td { background: #fafbfc; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        table.kv th { color: #57606a; font-weight: normal; width: 210px; }
        table.kv td { word-break: break-word; }
        dl.columns { font-size: 13px; display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; }
        dl.columns dt { font-family: ui-monospace, Menlo, Consolas, monospace; }
        dl.columns dd { margin: 0; color: #444c56; }
        figure { margin: 18px 0 26px; }
        figure svg { max-width: 100%; height: auto; }
        figcaption { font-size: 13px; color: #57606a; margin-top: 6px; max-width: 900px; }
        h3 { font-size: 16px; margin: 26px 0 2px; }
        p.headline { margin: 0 0 6px; font-size: 13px; color: #57606a; font-variant-numeric: tabular-nums; }
        .trial { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
        .trial svg { width: 420px; }
        img.grid { image-rendering: pixelated; border: 1px solid #d0d7de; max-width: 100%; height: auto; }
        code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; background: #f3f5f7; padding: 1px 4px; border-radius: 4px; }
        footer { margin-top: 40px; font-size: 12px; color: #6e7781; }
        """

    private func section(_ title: String, _ content: String) -> String {
        "<section>\n<h2>\(HTML.escape(title))</h2>\n\(content)</section>\n"
    }

    private func header() -> String {
        var out = "<h1>\(HTML.escape(run.name))</h1>\n"
        if !run.specDescription.isEmpty { out += "<p class=\"description\">\(HTML.escape(run.specDescription))</p>\n" }
        let recorded = run.outcomes.count, failed = run.outcomes.filter { $0.status == .failed }.count
        let planned = run.string("trials").map { " of \($0)" } ?? ""
        out += "<p class=\"status\">Status: <strong>\(HTML.escape(run.string("status") ?? "unknown"))</strong> &middot; \(recorded)\(HTML.escape(planned)) trials recorded, \(failed) failed.</p>\n"
        return out
    }

    private func banners() -> String {
        var out = ""
        switch run.isSynthetic {
        case true?:
            out += "<div class=\"banner synthetic\"><strong>Synthetic data.</strong> Every face in this report, training images and reconstructions alike, was drawn procedurally (source: \(HTML.escape(run.string("data_split", "source") ?? "synthetic"))). None shows a real person.</div>\n"
        case false?:
            out += "<div class=\"banner real\"><strong>Real faces.</strong> This report shows private training images of real people beside their reconstructions; share it as you would the training data.</div>\n"
        case nil:
            out += "<div class=\"banner real\"><strong>Data not recorded.</strong> run.json has no data split (the run did not finish), so it is unknown whether the faces are real; treat them as real.</div>\n"
        }
        if run.outcomes.contains(where: \.evaluatorIsTarget) {
            out += "<div class=\"banner warning\"><strong>Evaluator is the target.</strong> Attack success in rows marked <code>evaluator_is_target = yes</code> was judged by the attacked model itself, not by a separate evaluation classifier; it overstates success and is not comparable with published figures.</div>\n"
        }
        for warning in run.outcomes.flatMap({ $0.warnings ?? [] }) {
            out += "<div class=\"banner warning\"><strong>No progress.</strong> \(HTML.escape(warning))</div>\n"
        }
        if run.string("status") == "interrupted" || run.string("status") == "running" {
            out += "<div class=\"banner warning\"><strong>Incomplete run.</strong> Only the trials recorded so far are shown; <code>invlab run --resume</code> continues it.</div>\n"
        }
        return out
    }

    private func results() -> String {
        guard !run.outcomes.isEmpty else { return "<p>No trial has been recorded yet.</p>\n" }
        var out = ""
        if let pooled {
            let derived = { (column: String) in
                column.hasSuffix("_seed_std") || column.hasSuffix("_wilson_ci_low") || column.hasSuffix("_wilson_ci_high")
            }
            var table = ReportTables.summary(pooled.outcomes, columns: pooled.columns,
                                             excluding: { derived($0) || JudgeSection.isPerJudge($0, in: pooled.columns) })
            table.columns[0] = "point"
            out += "<h3>Pooled over seeds</h3>\n" + HTML.table(table, className: "results")
            out += "<p>One row per sweep point: the mean over the seeds with the 95 % t-interval of that mean over the seeds in brackets (the column <code>seeds</code> counts them). Standard deviations over seeds and, for rates, the Wilson interval over the attacked identities of all seeds: <code>results_pooled.csv</code>.</p>\n<h3>Per seed</h3>\n"
        }
        out += HTML.table(ReportTables.summary(run.outcomes, columns: run.columns, excluding: { JudgeSection.isPerJudge($0, in: run.columns) }),
                             className: "results")
        out += "<p>Rates over the attacked identities show their 95 % Wilson interval in brackets; other per-identity metrics the mean &plusmn; standard deviation over the attacked identities. Full precision: <code>results.csv</code>, per identity: <code>targets.csv</code>.</p>\n"
        let described = run.columns.metricColumns.filter {
            !ReportTables.isStd($0, run.columns) && descriptions[$0] != nil && !JudgeSection.isPerJudge($0, in: run.columns)
        }
        if !described.isEmpty {
            out += "<dl class=\"columns\">\n" + described.map { "<dt>\(HTML.escape($0))</dt><dd>\(HTML.escape(descriptions[$0]!))</dd>" }.joined(separator: "\n") + "\n</dl>\n"
        }
        return out
    }

    private func plotsSection() -> String {
        guard !plots.isEmpty else { return "<p>No numeric sweep key with recorded values: nothing to plot.</p>\n" }
        return plots.map { plot in
            "<figure>\n\(plot.svg)<figcaption>Metrics of completed trials against <code>\(HTML.escape(plot.key))</code> (also in <code>plots/\(HTML.escape(plot.file))</code>). \(plotNote)</figcaption>\n</figure>\n"
        }.joined()
    }

    /// How the plots show uncertainty.
    private var plotNote: String {
        if pooled != nil {
            return "Each point is the mean over the seeds; shaded bands (bars for a lone point): the 95 % t-interval of that mean over the seeds."
        }
        return "Shaded bands (bars for a lone point): the 95 % Wilson interval of a rate over the attacked identities; error bars on other metrics: &plusmn; one standard deviation over the attacked identities."
    }

    private func reconstructions() -> String {
        var out = ""
        let faces = run.isSynthetic == true ? "a synthetic private training face" : "a private training face"
        for outcome in run.outcomes {
            let directory = run.url.appendingPathComponent(TrialArtifacts.directoryName(outcome.index))
            guard let grid = HTML.pngDataURI(directory.appendingPathComponent("grid.png")) else { continue }
            let scale = max(1, min(4, Int((540 / Double(max(grid.width, 1))).rounded())))
            let sweep = outcome.sweep.map { "\($0.key) = \($0.text)" }.joined(separator: ", ")
            out += "<h3>Trial \(outcome.index)\(sweep.isEmpty ? "" : ": " + HTML.escape(sweep))</h3>\n"
            let headline = headlineColumns.compactMap { column in
                outcome.values[column].map { "\(column) \(HTML.number($0))" }
            }
            if !headline.isEmpty { out += "<p class=\"headline\">\(HTML.escape(headline.joined(separator: " \u{00B7} ")))</p>\n" }
            out += "<figure>\n<div class=\"trial\"><img class=\"grid\" src=\"\(grid.uri)\" width=\"\(grid.width * scale)\" alt=\"Trial \(outcome.index): training faces beside reconstructions\">"
            if let curve = LossCurves.svg(directory.appendingPathComponent("loss_curves.csv"), trial: outcome.index) { out += "\n" + curve }
            let names = outcome.identities.map(\.name).joined(separator: ", ")
            out += "</div>\n"
            if !names.isEmpty { out += "<figcaption>Identities in reading order: \(HTML.escape(names)).</figcaption>\n" }
            out += "</figure>\n"
        }
        guard !out.isEmpty else { return "<p>No image grids were written (<code>output.images: false</code>, or no trial completed).</p>\n" }
        return "<p>Each pair shows \(faces) (left) beside the attack's reconstruction of that person (right). The curve beside it is the attack objective averaged over the identities (bars: &plusmn; one standard deviation).</p>\n" + out
    }

    /// Metrics named beside each trial's images: the columns that declare a headline rank.
    var headlineColumns: [String] {
        run.columns.metricColumns.compactMap { column in run.columns.presentation[column]?.headlineRank.map { (column, $0) } }
            .sorted { $0.1 < $1.1 }.map(\.0)
    }

    private func provenance() -> [(String, String)] {
        var pairs: [(String, String)] = [("run directory", run.url.lastPathComponent)]
        let fields: [(String, [String])] = [
            ("spec file", ["spec_file"]), ("spec hash", ["spec_hash"]), ("seed", ["seed"]),
            ("InversionLab version", ["environment", "invlab_version"]), ("Swift", ["environment", "swift"]),
            ("operating system", ["environment", "os"]), ("CPU count", ["environment", "cpu_count"]),
            ("threads", ["environment", "threads"]), ("BLAS", ["environment", "blas"]), ("BLAS kernel", ["environment", "blas_kernel"]),
            ("started", ["started"]), ("finished", ["finished"]), ("status", ["status"]),
        ]
        for (label, path) in fields {
            guard let value = path.count == 1 ? run.string(path[0]) : run.string(path[0], path[1]) else { continue }
            pairs.append((label, value))
            if label == "spec hash", let commit = run.string("environment", "git_commit") {
                pairs.append(("git commit", commit + (run.string("environment", "git_dirty") == "true" ? " (with uncommitted changes)" : "")))
            }
        }
        let stages = run.members("stage_seconds").map { "\($0.key) \(HTML.number(Double($0.value) ?? .nan)) s" }
        if !stages.isEmpty { pairs.append(("time per stage", stages.joined(separator: ", "))) }
        return pairs
    }

    private func data() -> String {
        let split = run.members("data_split")
        guard !split.isEmpty else { return "<p>The data split was not recorded in run.json (it is written when the run ends).</p>\n" }
        return HTML.keyValues(split.map { ($0.key.replacingOccurrences(of: "_", with: " "), $0.value.replacingOccurrences(of: ",", with: ", ")) })
    }
}

/// The attack objective along the iterations of one trial, from `loss_curves.csv`.
enum LossCurves {
    /// A small SVG of the objective's mean over identities (error bars: standard deviation), or
    /// nil when the file is missing or holds no values.
    static func svg(_ file: URL, trial: Int) -> String? {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return nil }
        let records = CSVRecords.all(text)
        guard let header = records.first, header.count > 2 else { return nil }
        let steps = header.dropFirst(2).map { Double($0) }
        var points: [ChartPoint] = []
        for (column, step) in steps.enumerated() {
            guard let step else { continue }
            let values = records.dropFirst().compactMap { row in row.count > column + 2 ? Double(row[column + 2]) : nil }.filter(\.isFinite)
            let (mean, std) = MetricAggregation.meanAndStd(values)
            points.append(ChartPoint(x: step, y: mean.isFinite ? mean : nil, error: std.isFinite ? std : nil))
        }
        guard points.contains(where: { $0.y != nil }) else { return nil }
        let chart = LineChart(title: "Attack objective", xLabel: "iteration", yLabel: "objective",
                              series: [ChartSeries(label: "mean over identities", points: points, colorIndex: 0, dashIndex: 0)],
                              preferUnitInterval: false)
        return SVG.document(title: "Attack objective of trial \(trial)", panels: [chart], columns: 1, heading: false)
    }
}
