import ArgumentParser
import Foundation
import InvLabCore

/// `invlab report`.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild a run's tables, plots and report.html from its files.",
        discussion: """
        Works on finished and interrupted runs alike (results.jsonl is the source of truth).

        Example:
          invlab report runs/quickstart/20261129-101500
        """)

    @Argument(help: "The run directory.")
    var runDirectory: String

    func run() throws {
        let url = URL(fileURLWithPath: runDirectory)
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent("run.json").path) else {
            printError("error: \(url.path) holds no run.json; is it a run directory?")
            throw ExitCode(ExitCodes.badSpec)
        }
        try RunReport.build(runDirectory: url, columns: try Self.declaredColumns(url))
        print("report: \(url.appendingPathComponent("report.html").path)")
    }

    /// For a run whose run.json does not record its columns (made by an earlier invlab): the
    /// columns its metrics declare, rebuilt from its `spec.resolved.yaml` with the registries, in
    /// the order of its tables. Nil when the run records them or the spec cannot be rebuilt.
    static func declaredColumns(_ url: URL) throws -> ResultColumns? {
        let run = try RunFiles(url: url)
        let resolved = url.appendingPathComponent("spec.resolved.yaml")
        guard !run.recordsColumns, FileManager.default.fileExists(atPath: resolved.path),
              let loaded = try? SpecLoader.load(file: resolved.path, overrides: [], registries: CommandEnvironment.loadRegistries(),
                                                inputDirectory: RunModels.originalSpecDirectory(url)) else { return nil }
        let runner = ExperimentRunner(loaded: loaded, registries: try CommandEnvironment.loadRegistries(),
                                      options: RunOptions(dataDirectory: DataLocation.directory(nil)))
        guard let declared = try? runner.resultColumns() else { return nil }
        var columns = run.columns
        columns.descriptions = declared.descriptions
        columns.presentation = declared.presentation
        return columns
    }
}

/// `invlab compare`.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Print two runs' metrics side by side (trials matched by their sweep values).",
        discussion: """
        Before the table: how the two resolved specs differ and whether the sweeps match. For rates
        with a 95 % interval in both runs, `<metric>_differs` says whether the intervals are apart.
        Without --metrics the columns of the terminal summary are compared; --metrics all compares
        every column. A run with seeds: is compared by its rows pooled over the seeds.

        Example:
          invlab compare runs/quickstart/A runs/quickstart/B --metrics attack_top1,accuracy --markdown
        """)

    @Argument(help: "The first run directory (A).")
    var first: String

    @Argument(help: "The second run directory (B).")
    var second: String

    @Flag(help: "Markdown instead of aligned text.")
    var markdown = false

    @Flag(help: "CSV instead of aligned text.")
    var csv = false

    @Option(help: "Comma-separated metric columns to compare, e.g. attack_top1,accuracy; `all` for every column (default: the terminal summary's columns).")
    var metrics: String?

    func run() throws {
        let (a, b) = (URL(fileURLWithPath: first), URL(fileURLWithPath: second))
        var chosen = metrics.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        if chosen == ["all"] {
            chosen = nil
        } else if chosen == nil {
            let summary = try RunComparison.summaryColumns(a, b)
            chosen = summary.isEmpty ? nil : summary  // a run recorded before columns declared a summary: every column
        } else if let chosen {
            let known = try RunComparison.knownColumns(a, b)
            if let unknown = chosen.first(where: { !known.contains($0) }) {
                printError("error: --metrics names '\(unknown)', which neither run has; known: \(known.sorted().joined(separator: ", "))")
                throw ExitCode(ExitCodes.badSpec)
            }
        }
        let table = try RunComparison.table(a, b, metrics: chosen)
        if !csv { for note in try RunComparison.notes(a, b) { print(markdown ? "> " + note : note) } }
        if !csv { print("") }
        print(csv ? table.csv : (markdown ? table.markdown : table.aligned), terminator: "")
    }
}
