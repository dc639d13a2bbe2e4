import ArgumentParser
import Foundation
import InvLabCore
import InvLabSpec

/// The work-unit commands of a run split across processes or cluster nodes: `plan`,
/// `prepare`, `run --shard`, `merge` and `status` (`invlab slurm` drives them on Slurm).
enum ShardCommandSupport {
    static func runner(spec: String, overrides: [String], out: String?, quiet: Bool, dataDir: String?) throws -> ExperimentRunner {
        let loaded = try loadSpec(spec, overrides: overrides)
        Interruption.install()
        var options = RunOptions(dataDirectory: DataLocation.directory(dataDir))
        options.outDirectory = out.map { URL(fileURLWithPath: $0) }
        options.progress = quiet ? .quiet : .automatic
        options.cancelled = { Interruption.isRequested }
        return ExperimentRunner(loaded: loaded, registries: try CommandEnvironment.loadRegistries(), options: options)
    }

    /// `--chunk`, else the spec's `output.chunk`; a chunk below 1 is a usage error.
    static func chunk(_ option: Int?, loaded: LoadedSpec) throws -> Int? {
        if let option, option < 1 { throw UnitError("--chunk must be at least 1 identity per unit, got \(option)") }
        return option ?? loaded.spec.output.chunk
    }

    /// Runs a unit-layer command body; a `UnitError` or `RunDirectoryError` is one line and exit 64.
    static func guarded<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as UnitError {
            printError("error: \(error)")
            throw ExitCode(ExitCodes.badSpec)
        } catch let error as RunDirectoryError {
            printError("error: \(error)")
            throw ExitCode(ExitCodes.badSpec)
        }
    }

    static func runShard(spec: String, overrides: [String], out: String?, shard: String?, chunk: Int?, resume: Bool, force: Bool,
                         quiet: Bool, dataDir: String?) throws {
        try guarded {
            if let chunk, chunk < 1 { throw UnitError("--chunk must be at least 1 identity per unit, got \(chunk)") }
            guard let shard else {
                throw UnitError("--chunk splits a sharded run; add --shard K/N (--shard 1/1 runs every unit in this process) and --out DIR")
            }
            let selection = try ShardSelection(parsing: shard)
            guard let out else { throw UnitError("--shard needs --out DIR, the run directory every shard shares") }
            guard !force else { throw UnitError("--force cannot be used with --shard (shards share the directory); choose a new --out") }
            _ = resume  // every shard resumes: it skips the units already done
            let runner = try self.runner(spec: spec, overrides: overrides, out: out, quiet: quiet, dataDir: dataDir)
            let shardRunner = ShardRunner(runner: runner, directory: URL(fileURLWithPath: out))
            let summary = try shardRunner.run(shard: selection, chunk: try self.chunk(chunk, loaded: runner.loaded))
            print("shard \(selection.index)/\(selection.count): ran \(summary.ran.count) units"
                  + (summary.skipped.isEmpty ? "" : ", skipped \(summary.skipped.count) (done or running elsewhere)"))
            for failure in summary.failed { printError("unit \(failure.id) failed: \(failure.error)") }
            if let merged = summary.merged {
                print(RunCommand.summaryTable(ResultTables.trials(merged.outcomes, columns: merged.columns), columns: merged.columns).aligned)
                print("merged: every unit is done; run directory: \(merged.directory.path)")
            } else if !summary.interrupted && summary.failed.isEmpty && (try? ShardRunner.statuses(shardRunner.files))?.1.allSatisfy({ $0.status == .done }) == true {
                print("merged already: every unit is done (another shard merged the same results)")
            } else if !summary.interrupted {
                print("not merged yet: other units are not done (see `invlab status \(shellQuoted(out))`)")
            }
            if summary.interrupted {
                printError("interrupted: the unit in progress is recorded as failed; rerun this shard to complete it")
                throw ExitCode(ExitCodes.interrupted)
            }
            if !summary.failed.isEmpty { throw ExitCode(ExitCodes.failure) }
        }
    }
}

/// `invlab plan`.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "List a spec's work units, the shared stage they need and each unit's estimated cost.",
        discussion: """
        A unit is a trial (sweep point) or, with --chunk N, N of a trial's attacked identities. Units are
        dealt to shards round-robin in this order (`invlab run --shard K/N`, `invlab slurm submit`).

        Example:
          invlab plan Experiments/quickstart.yaml --chunk 10 --shards 2
        """)

    @Argument(help: "The spec file (YAML).") var spec: String
    @OptionGroup var specOptions: SpecOptions
    @Option(help: "Attacked identities per unit (default: output.chunk, else one unit per trial).") var chunk: Int?
    @Option(help: "Show which of N shards runs each unit.") var shards: Int = 1
    @Option(help: "Where datasets are fetched to (default: INVLAB_DATA_DIR, else ./data).") var dataDir: String?
    @Flag(help: "Print the plan as JSON.") var json = false

    func run() throws {
        try ShardCommandSupport.guarded {
            guard shards >= 1 else { throw UnitError("--shards must be at least 1, got \(shards)") }
            let runner = try ShardCommandSupport.runner(spec: spec, overrides: specOptions.overrides, out: nil, quiet: true, dataDir: dataDir)
            let chunk = try ShardCommandSupport.chunk(chunk, loaded: runner.loaded)
            let units = try ShardRunner(runner: runner, directory: URL(fileURLWithPath: "/nonexistent")).plannedUnits(chunk: chunk)
            let layout = UnitLayout(specHash: runner.loaded.hash, chunk: chunk, shards: shards, units: units, specFile: spec, overrides: [])
            let stage = runner.sharedStage()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(layout), as: UTF8.self))
                return
            }
            print("\(units.count) units of \(runner.loaded.trials.count) trials (\(chunk.map { "\($0) identities per chunk" } ?? "one unit per trial")), \(shards) shard\(shards == 1 ? "" : "s")")
            print("shared stage (`invlab prepare`, cached): " + stage.joined(separator: "; "))
            let total = max(1, units.reduce(0) { $0 + $1.cost })
            let table = TextTable(columns: ["unit", "trial", "identities", "shard", "cost", "share"], rows: units.map { unit in
                [unit.id, "\(unit.trial)", "\(unit.first)..<\(unit.first + unit.count)", "\(layout.shard(of: unit))", "\(unit.cost)",
                 String(format: "%.1f%%", 100 * Double(unit.cost) / Double(total))]
            })
            print(table.aligned)
            print("cost: attacked identities x images per step x iterations (model evaluations with gradient)")
        }
    }
}

/// `invlab prepare`.
struct PrepareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: "Train or fit every model the spec's units share (target, evaluator, judges, defenses, generators) into the cache.",
        discussion: """
        Safe to run in several processes on one cache: each model is made by one of them while the
        others wait for it (a lock file per model, written by rename).

        Example:
          invlab prepare Experiments/quickstart.yaml
        """)

    @Argument(help: "The spec file (YAML).") var spec: String
    @OptionGroup var specOptions: SpecOptions
    @Option(help: "Where datasets are fetched to (default: INVLAB_DATA_DIR, else ./data).") var dataDir: String?
    @Flag(help: "No progress output.") var quiet = false

    func run() throws {
        try ShardCommandSupport.guarded {
            let runner = try ShardCommandSupport.runner(spec: spec, overrides: specOptions.overrides, out: nil, quiet: quiet, dataDir: dataDir)
            do {
                let made = try ShardRunner(runner: runner, directory: URL(fileURLWithPath: "/nonexistent")).prepare()
                print("prepared: made \(made.count) cache entries\(made.isEmpty ? "" : " (" + made.joined(separator: ", ") + ")"); cache \(runner.environment.cache.directory?.path ?? "in memory")")
            } catch is RunCancelled {
                printError("interrupted: models finished so far are in the cache")
                throw ExitCode(ExitCodes.interrupted)
            }
        }
    }
}

/// `invlab merge`.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Assemble a sharded run's tables, targets.csv, plots and report from its units.",
        discussion: """
        The last shard to finish merges by itself; run this after resubmitting units, or to rebuild.
        Refuses (exit 64, nothing written) while a unit is missing, running or failed.

        Example:
          invlab merge runs/big
        """)

    @Argument(help: "The run directory of a sharded run.") var runDirectory: String
    @Option(help: "Where datasets are fetched to (default: INVLAB_DATA_DIR, else ./data).") var dataDir: String?
    @Flag(help: "No progress output.") var quiet = false

    func run() throws {
        try ShardCommandSupport.guarded {
            let files = UnitFiles(directory: URL(fileURLWithPath: runDirectory))
            guard let layout = try files.layout() else {
                throw UnitError("\(runDirectory) is not the directory of a sharded run (no units.json)")
            }
            let spec = FileManager.default.fileExists(atPath: layout.specFile) ? layout.specFile : layout.specFile
            let runner = try ShardCommandSupport.runner(spec: spec, overrides: layout.overrides, out: runDirectory, quiet: quiet, dataDir: dataDir)
            guard let merged = try ShardRunner(runner: runner, directory: files.directory).merge() else { return }
            print(RunCommand.summaryTable(ResultTables.trials(merged.outcomes, columns: merged.columns), columns: merged.columns).aligned)
            print("run directory: \(merged.directory.path)")
        }
    }
}

/// `invlab status`.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a sharded run's units: done, running, failed or missing.",
        discussion: """
        A unit recorded as running whose process is gone (killed on this host, or a Slurm job that no
        longer runs) shows as failed. Exit status 0 when every unit is done, 1 otherwise.

        Example:
          invlab status runs/big
        """)

    @Argument(help: "The run directory of a sharded run.") var runDirectory: String
    @Flag(help: "Print the states as JSON.") var json = false

    func run() throws {
        let (layout, states) = try ShardCommandSupport.guarded {
            try ShardRunner.statuses(UnitFiles(directory: URL(fileURLWithPath: runDirectory)))
        }
        var counts: [UnitStatus: Int] = [:]
        for state in states { counts[state.status, default: 0] += 1 }
        if json {
            let units: [JSONValue] = states.map { state in
                var members: [(key: String, value: JSONValue)] = [
                    ("id", .string(state.unit.id)), ("trial", .integer(state.unit.trial)), ("shard", .integer(layout.shard(of: state.unit))),
                    ("state", .string(state.status.rawValue)), ("identities", .integer(state.unit.count)),
                ]
                if let record = state.record {
                    members += [("host", .string(record.host)), ("pid", .integer(Int(record.pid))),
                                ("seconds", record.seconds.map { .number($0) } ?? .null), ("error", record.error.map { .string($0) } ?? .null),
                                ("slurm_job", record.slurmJob.map { .string($0) } ?? .null)]
                }
                return .object(members)
            }
            print(JSONValue.object([
                ("run", .string(runDirectory)), ("shards", .integer(layout.shards)), ("chunk", layout.chunk.map { .integer($0) } ?? .null),
                ("units", .array(units)),
                ("counts", .object(UnitStatus.allCases.map { ($0.rawValue, .integer(counts[$0] ?? 0)) })),
            ]).serialized(pretty: true))
        } else {
            let table = TextTable(columns: ["unit", "shard", "state", "seconds", "where", "error"], rows: states.map { state in
                [state.unit.id, "\(layout.shard(of: state.unit))", state.status.rawValue,
                 state.record?.seconds.map { String(format: "%.1f", $0) } ?? "",
                 state.record.map { "\($0.host):\($0.pid)" + ($0.slurmJob.map { " job \($0)" } ?? "") } ?? "",
                 state.record?.error ?? ""]
            })
            print(table.aligned)
            print(UnitStatus.allCases.map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ") + " of \(states.count) units")
        }
        if states.contains(where: { $0.status != .done }) { throw ExitCode(ExitCodes.failure) }
    }
}
