import ArgumentParser
import Foundation
import InvLabCore
import InvLabSpec

/// Options shared by commands that load specs.
struct SpecOptions: ParsableArguments {
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a key of the spec, e.g. --set attack.iterations=200 (repeatable).", valueName: "key.path=value"))
    var overrides: [String] = []
}

/// Loads a spec, printing its diagnostics and exiting with 64 when it is invalid.
func loadSpec(_ path: String, overrides: [String], inputs scope: InputPath.Scope = .all) throws -> LoadedSpec {
    let registries = try CommandEnvironment.loadRegistries()
    do {
        return try SpecLoader.load(file: path, overrides: overrides, registries: registries, inputs: scope)
    } catch let error as SpecLoadError {
        printError(error.rendered)
        let count = error.error.diagnostics.filter { $0.severity == .error }.count
        printError("\(path): \(count) error\(count == 1 ? "" : "s"); nothing was run")
        throw ExitCode(ExitCodes.badSpec)
    }
}

/// `invlab run`.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run an experiment spec: train, defend, attack, measure, and write the run directory.",
        discussion: """
        Writes runs/<name>/<timestamp>/ (or --out): run.json, spec.resolved.yaml, results.csv/.jsonl/.md,
        targets.csv, trials/*/ (grids, reconstructions.npy), plots/*.svg and report.html.
        Trained models are cached (INVLAB_CACHE_DIR, else <output.directory>/.cache), so a sweep over a
        defense parameter trains each model once. Ctrl-C finishes the current step, keeps finished trials
        and exits 130; `--resume` continues (re-applying the run's --set overrides, stored in run.json, when
        none are given).

        Examples:
          invlab run Experiments/quickstart.yaml
          invlab run Experiments/orl/dummy_lambda_sweep.yaml --set 'sweep["defense.lambda"].step=0.1'
          invlab run spec.yaml --out runs/mine --resume
        """)

    @Argument(help: "The spec file (YAML).")
    var spec: String

    @OptionGroup var specOptions: SpecOptions

    @Option(help: "Run directory (default: <output.directory>/<name>/<timestamp>).")
    var out: String?

    @Flag(help: "Continue an interrupted run in --out, skipping its completed trials.")
    var resume = false

    @Flag(help: "Replace the contents of an existing --out directory.")
    var force = false

    @Flag(help: "No progress output.")
    var quiet = false

    @Option(help: "Where datasets are fetched to (default: INVLAB_DATA_DIR, else ./data).")
    var dataDir: String?

    @Option(help: ArgumentHelp("Run only shard K of N of the run's work units into --out (units not yet done); the last shard to finish merges the run.", valueName: "K/N"))
    var shard: String?

    @Option(help: ArgumentHelp("Also write TensorBoard event files into DIR/<run>/ (view with `tensorboard --logdir DIR`): objective per attack step and the grid per trial (runs trial_NNNN), metrics by trial index (run trials).", valueName: "DIR"))
    var tensorboard: String?

    @Option(help: ArgumentHelp("Attacked identities per work unit of a sharded run (default: output.chunk, else one unit per trial).", valueName: "N"))
    var chunk: Int?

    func run() throws {
        if tensorboard != nil && (shard != nil || chunk != nil) {
            printError("error: --tensorboard is not supported with --shard or --chunk (run without them, or browse the merged run's report.html)")
            throw ExitCode(ExitCodes.badSpec)
        }
        if shard != nil || chunk != nil {
            try ShardCommandSupport.runShard(spec: spec, overrides: specOptions.overrides, out: out, shard: shard, chunk: chunk,
                                             resume: resume, force: force, quiet: quiet, dataDir: dataDir)
            return
        }
        if resume && out == nil {
            printError("error: --resume needs --out DIR (the run directory to continue)")
            throw ExitCode(ExitCodes.badSpec)
        }
        var overrides = specOptions.overrides
        if resume, let out {
            let stored = RecordedRun.resumeOverrides(given: overrides, directory: URL(fileURLWithPath: out))
            if stored.reapplied {
                printError("resume: re-applying the --set overrides stored in run.json: "
                           + stored.overrides.map { "--set " + shellQuoted($0) }.joined(separator: " "))
            }
            overrides = stored.overrides
        }
        let loaded = try loadSpec(spec, overrides: overrides)
        Interruption.install()
        var options = RunOptions(dataDirectory: DataLocation.directory(dataDir))
        options.outDirectory = out.map { URL(fileURLWithPath: $0) }
        options.resume = resume
        options.force = force
        options.progress = quiet ? .quiet : .automatic
        options.cancelled = { Interruption.isRequested }
        let runner = ExperimentRunner(loaded: loaded, registries: try CommandEnvironment.loadRegistries(), options: options)
        let tensorBoard = tensorboard.map { TensorBoardSink(logDirectory: URL(fileURLWithPath: $0)) }
        if let tensorBoard { runner.sinks.append(tensorBoard) }
        let summary: RunSummary
        do {
            summary = try runner.run()
        } catch let error as RunDirectoryError {
            printError("error: \(error)")
            throw ExitCode(ExitCodes.badSpec)
        }
        print(RunCommand.summaryTable(summary.outcomes, columns: summary.columns).aligned)
        if summary.columns.seedKey != nil {
            print("pooled over seeds (mean, [95 % interval over seeds]): \(summary.directory.appendingPathComponent("results_pooled.csv").path)")
        }
        print("all columns: \(summary.directory.appendingPathComponent("results.csv").path)")
        if summary.outcomes.contains(where: \.evaluatorIsTarget) {
            print("note: evaluator_is_target = yes: attack success was judged by the attacked model itself")
        }
        let report = summary.directory.appendingPathComponent("report.html")
        print("run directory: \(summary.directory.path)")
        if FileManager.default.fileExists(atPath: report.path) { print("report: \(report.path)") }
        if let tensorboard, let root = tensorBoard?.runRoot { print("tensorboard: \(root.path) (view with: tensorboard --logdir \(shellQuoted(tensorboard)))") }
        if summary.interrupted {
            printError("interrupted: \(summary.outcomes.count) of \(loaded.trials.count) trials recorded; continue with: "
                       + ResumeHint.command(spec: spec, overrides: overrides, directory: summary.directory.path))
            throw ExitCode(ExitCodes.interrupted)
        }
        if summary.outcomes.contains(where: { $0.status == .failed }) {
            printError("some trials failed; see the error column of results.csv")
            throw ExitCode(ExitCodes.failure)
        }
    }
}

extension RunCommand {
    /// The terminal summary of a run's outcomes: its pooled rows with `seeds:` (one per sweep
    /// point, `results_pooled.csv`), else its trials (`results.csv`).
    static func summaryTable(_ outcomes: [TrialOutcome], columns: ResultColumns) -> TextTable {
        let shown = ResultTables.summary(outcomes, columns: columns)
        return summaryTable(shown.table, columns: shown.columns)
    }

    /// The summary columns of a results table (sweep values, status, the metric columns that
    /// declare `summary`, the evaluator flag and errors), so that the terminal shows a readable
    /// table; results.csv keeps every column.
    static func summaryTable(_ table: TextTable, columns: ResultColumns) -> TextTable {
        let statusIndex = table.columns.firstIndex(of: "status") ?? 1
        let keep = table.columns.indices.filter { index in
            let name = table.columns[index]
            return index <= statusIndex || ["evaluator_is_target", "error"].contains(name) || columns.presentation(of: name).summary
        }.filter { index in
            // Drop columns that are empty in every row (e.g. decoy_rate without a dummy defense).
            table.columns[index] == "trial" || table.columns[index] == "status" || table.rows.contains { !$0[index].isEmpty }
        }
        return TextTable(columns: keep.map { table.columns[$0] },
                         rows: table.rows.map { row in keep.map { index in
                             let cell = row[index]
                             return cell.count > 60 ? String(cell.prefix(57)) + "..." : cell
                         } })
    }
}

/// The command that continues an interrupted run, printed when `invlab run` is interrupted.
public enum ResumeHint {
    /// `invlab run SPEC [--set OVERRIDE]... --out DIR --resume`, every argument shell-quoted, so
    /// that pasting it continues the run with the spec hash it started with.
    public static func command(spec: String, overrides: [String], directory: String) -> String {
        (["invlab", "run", shellQuoted(spec)] + overrides.flatMap { ["--set", shellQuoted($0)] }
            + ["--out", shellQuoted(directory), "--resume"]).joined(separator: " ")
    }
}

/// Where datasets live.
enum DataLocation {
    static func directory(_ option: String?) -> URL {
        if let option { return URL(fileURLWithPath: option) }
        if let environment = ProcessInfo.processInfo.environment["INVLAB_DATA_DIR"], !environment.isEmpty {
            return URL(fileURLWithPath: environment)
        }
        return URL(fileURLWithPath: "data")
    }
}
