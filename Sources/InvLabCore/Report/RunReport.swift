import Foundation
import InvLabIO

/// Rebuilds a run's tables, plots and `report.html` from its files, for a finished or an
/// interrupted run alike (`invlab report RUN_DIR`; the runner calls it at the end of a run).
///
/// Writes, atomically: `results.csv`, `results.md`, `targets.csv` (from `results.jsonl`; with
/// `seeds:` also `results_pooled.csv` and `.md`, which the plots then show),
/// `plots/<key>.svg` for every numeric sweep key, and `report.html`. The output depends only on
/// the run's files, so rebuilding an unchanged run gives byte-identical files.
public enum RunReport {
    /// Rebuilds everything. `columns` (e.g. the runner's, which carry descriptions and how each
    /// column is plotted) replaces the columns recorded in the run's files.
    public static func build(runDirectory: URL, columns: ResultColumns? = nil) throws {
        var run = try RunFiles(url: runDirectory)
        if let columns { run.columns = columns }
        try writeTables(run)
        try writePlotsAndPage(run)
    }

    /// Plots and report.html of a run whose tables are already written (the runner's
    /// `ReportSink`, which holds the outcomes and columns itself).
    public static func writePlotsAndPage(_ run: RunFiles) throws {
        let runDirectory = run.url
        var plots: [(key: String, file: String, svg: String)] = []
        // With `seeds:`, the plots show the rows pooled over seeds (means and their intervals).
        let shown = SeedPooling.view(run.outcomes, columns: run.columns)
        let keys = RunPlots.numericKeys(shown.outcomes, columns: shown.columns)
        let names = RunPlots.fileNames(for: keys)
        for key in keys {
            guard let svg = RunPlots.svg(key: key, outcomes: shown.outcomes, columns: shown.columns), let name = names[key] else { continue }
            try write(svg, to: "plots/" + name, in: runDirectory)
            plots.append((key, name, svg))
        }
        let page = ReportPage(run: run, plots: plots, descriptions: run.columns.descriptions,
                              pooled: SeedPooling.pool(run.outcomes, columns: run.columns))
        try write(page.html(), to: "report.html", in: runDirectory)
    }

    /// The run's tables. With a run.json (every runner-made directory), `RunDirectory` itself
    /// reopens the run and rewrites them, so they are exactly the runner's; a bare results.jsonl
    /// gets results.csv, results.md and targets.csv written here the same way.
    static func writeTables(_ run: RunFiles) throws {
        guard !run.outcomes.isEmpty || FileManager.default.fileExists(atPath: run.url.appendingPathComponent("results.csv").path) else { return }
        if FileManager.default.fileExists(atPath: run.url.appendingPathComponent("run.json").path) {
            let directory = try RunDirectory(url: run.url, columns: run.columns, specHash: run.string("spec_hash") ?? "", resume: true, force: false)
            try directory.writeTables()
            return
        }
        for table in RunDirectory.resultTables(run.outcomes, columns: run.columns) { try write(table.text, to: table.name, in: run.url) }
    }

    static func write(_ text: String, to name: String, in directory: URL) throws {
        let target = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try AtomicFile.write(text, to: target)
    }
}
