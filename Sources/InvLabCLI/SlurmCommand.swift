import ArgumentParser
import Foundation
import InvLabCore
import InvLabIO
import InvLabSpec

/// `invlab slurm`: run a spec's work units on a Slurm cluster.
struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Run a spec on a Slurm cluster: a prepare job, a job array of work units, a merge job.",
        discussion: """
        The run directory must lie on a filesystem the nodes share with the submit host; the jobs run
        this invlab binary (by its absolute path) in the submit directory, with the environment of the
        submitting shell (INVLAB_CACHE_DIR, INVLAB_DATA_DIR). Threads per task: --cpus-per-task.

        Examples:
          invlab slurm submit Experiments/quickstart.yaml --tasks 4 --cpus-per-task 2 --time 1:00:00
          invlab slurm submit spec.yaml --tasks 8 --chunk 50 --extra-sbatch '--qos=normal' --dry-run
          invlab status runs/quickstart/20261129-101500
          invlab slurm resubmit runs/quickstart/20261129-101500
        """,
        subcommands: [SlurmSubmitCommand.self, SlurmResubmitCommand.self])
}

/// The sbatch options both subcommands take.
struct SlurmJobArguments: ParsableArguments {
    @Option(help: "Slurm partition (sbatch --partition).")
    var partition: String?

    @Option(help: "Time limit per job (sbatch --time, e.g. 2:00:00).")
    var time: String?

    @Option(help: "CPUs per task (sbatch --cpus-per-task); invlab uses that many threads.")
    var cpusPerTask: Int?

    @Option(help: "Memory per node (sbatch --mem, e.g. 8G).")
    var mem: String?

    @Option(help: "Account to charge (sbatch --account).")
    var account: String?

    @Option(parsing: .unconditionalSingleValue, help: ArgumentHelp("More sbatch options for every job, e.g. '--qos=high --gres=gpu:1' (repeatable).", valueName: "options"))
    var extraSbatch: [String] = []

    @Flag(help: "Print the batch scripts and the sbatch commands; write and submit nothing.")
    var dryRun = false

    var options: SlurmJobOptions {
        SlurmJobOptions(partition: partition, time: time, cpusPerTask: cpusPerTask, mem: mem, account: account, extra: extraSbatch)
    }
}

/// Shared steps of submit and resubmit: writing the scripts and submitting the chain.
enum SlurmChain {
    struct Step {
        var role: String
        var file: String
        var script: String
        var array: String?
    }

    static func slurmDirectory(_ setup: SlurmRunSetup) -> URL {
        URL(fileURLWithPath: setup.runDirectory).appendingPathComponent(SlurmScripts.directoryName)
    }

    /// Prints (dry run) or writes and submits the steps in order, each after the one before
    /// (afterok); records every job in submit.json. Returns the job ids.
    static func run(_ steps: [Step], setup: SlurmRunSetup, record: SlurmRecord, dryRun: Bool, sbatch: String?) throws -> [String] {
        let directory = slurmDirectory(setup)
        if dryRun {
            for step in steps {
                print("# \(directory.appendingPathComponent(step.file).path) (--dry-run: not written)")
                print(step.script)
            }
            var previous: String?
            for step in steps {
                let arguments = SlurmScripts.sbatchArguments(script: directory.appendingPathComponent(step.file).path, after: previous)
                print("would run: sbatch " + arguments.map(shellQuoted).joined(separator: " "))
                previous = "<\(step.role) job id>"
            }
            return []
        }
        guard let sbatch else { return [] }
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: setup.runDirectory).appendingPathComponent(SlurmScripts.logsName),
                                                withIntermediateDirectories: true)
        for step in steps {
            let url = directory.appendingPathComponent(step.file)
            try AtomicFile.write(Data(step.script.utf8), to: url)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        var record = record
        try record.save(URL(fileURLWithPath: setup.runDirectory))
        var ids: [String] = []
        do {
            for step in steps {
                let id = try SlurmTools.submit(sbatch: sbatch, script: directory.appendingPathComponent(step.file), after: ids.last)
                ids.append(id)
                record.jobs.append(.init(role: step.role, id: id, array: step.array, after: ids.dropLast().last))
                try record.save(URL(fileURLWithPath: setup.runDirectory))
            }
        } catch {
            if !ids.isEmpty, let scancel = SlurmTools.locate("scancel") {
                _ = try? SlurmTools.run(scancel, ids)
                printError("cancelled the jobs already submitted: \(ids.joined(separator: " "))")
            }
            throw error
        }
        return ids
    }

    /// Runs `body`, turning input errors into one line and exit 64, sbatch failures into exit 1.
    static func reporting(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as SlurmInputError {
            printError("error: \(error.message)")
            throw ExitCode(ExitCodes.badSpec)
        } catch let error as UnitError {
            printError("error: \(error)")
            throw ExitCode(ExitCodes.badSpec)
        } catch let error as SlurmCommandFailure {
            printError("error: \(error.description)")
            throw ExitCode(ExitCodes.failure)
        }
    }
}

/// `invlab slurm submit`.
struct SlurmSubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Write the batch scripts into RUN_DIR/slurm/ and submit prepare -> unit array -> merge.",
        discussion: """
        Array task i runs `invlab run SPEC --out RUN_DIR --shard i+1/N`; logs go to RUN_DIR/slurm/logs/.
        Prints the job ids and the run directory. Follow with `squeue` or `invlab status RUN_DIR`;
        `invlab slurm resubmit RUN_DIR` reruns the shards whose units failed or never ran.

        Examples:
          invlab slurm submit Experiments/quickstart.yaml --tasks 4
          invlab slurm submit spec.yaml --out runs/big --tasks 16 --chunk 100 --time 4:00:00 --mem 8G --dry-run
        """)

    @Argument(help: "The spec file (YAML), relative to this directory (the jobs run here).")
    var spec: String

    @OptionGroup var specOptions: SpecOptions

    @Option(help: "Run directory (default: <output.directory>/<name>/<timestamp>); on a filesystem the nodes share.")
    var out: String?

    @Option(help: "Array tasks N: task i runs shard i+1 of N.")
    var tasks = 4

    @Option(help: "Attacked identities per work unit (default: one unit per trial).")
    var chunk: Int?

    @OptionGroup var job: SlurmJobArguments

    func run() throws {
        try SlurmChain.reporting {
            try SlurmScripts.checkCounts(tasks: tasks, chunk: chunk, cpusPerTask: job.cpusPerTask)
            let sbatch = job.dryRun ? nil : try SlurmTools.require("sbatch", for: "submit")
            let loaded = try loadSpec(spec, overrides: specOptions.overrides)
            var options = RunOptions(dataDirectory: DataLocation.directory(nil))
            options.outDirectory = out.map { URL(fileURLWithPath: $0) }
            options.progress = .quiet
            let runner = ExperimentRunner(loaded: loaded, registries: try CommandEnvironment.loadRegistries(), options: options)
            let runDirectory = runner.runDirectoryURL().standardizedFileURL
            let chunk = try ShardCommandSupport.chunk(chunk, loaded: loaded)
            var setup = SlurmRunSetup(binary: SlurmTools.executablePath(), submitDirectory: FileManager.default.currentDirectoryPath,
                                      spec: spec, overrides: specOptions.overrides, runDirectory: runDirectory.path,
                                      name: loaded.spec.name, tasks: tasks, chunk: chunk, options: job.options)
            try SlurmScripts.validate(setup)
            if let contents = try? FileManager.default.contentsOfDirectory(atPath: runDirectory.path), !contents.isEmpty {
                throw SlurmInputError("\(runDirectory.path) already exists and is not empty; choose another --out, or continue that run with: invlab slurm resubmit \(shellQuoted(runDirectory.path))")
            }
            // The units, planned here so that every task agrees and none is left without work.
            let shardRunner = ShardRunner(runner: runner, directory: runDirectory)
            let units = try shardRunner.plannedUnits(chunk: chunk)
            if units.count < tasks {
                print("note: \(units.count) unit\(units.count == 1 ? "" : "s") of work; submitting \(units.count) array task\(units.count == 1 ? "" : "s") instead of \(tasks)")
                setup.tasks = max(1, units.count)
            }
            let tasks = setup.tasks
            if !job.dryRun {
                // Made before any job runs: the run directory and its unit layout (units.json), which
                // every shard then checks against (spec hash, chunk, shard count).
                _ = try shardRunner.openRun(shards: tasks, chunk: chunk)
            }
            let steps = [
                SlurmChain.Step(role: "prepare", file: "prepare.sbatch", script: try SlurmScripts.prepare(setup)),
                SlurmChain.Step(role: "units", file: "units.sbatch", script: try SlurmScripts.units(setup, shards: Array(1...tasks)),
                                array: SlurmScripts.arrayIndices(shards: Array(1...tasks))),
                SlurmChain.Step(role: "merge", file: "merge.sbatch", script: try SlurmScripts.merge(setup)),
            ]
            let ids = try SlurmChain.run(steps, setup: setup, record: SlurmRecord(setup: setup, jobs: []), dryRun: job.dryRun, sbatch: sbatch)
            guard ids.count == 3 else { return }
            print("prepare job: \(ids[0])")
            print("units job array: \(ids[1]) (tasks \(steps[1].array!) = shards 1-\(tasks) of \(tasks); \(units.count) units)")
            print("merge job: \(ids[2])")
            print("run directory: \(setup.runDirectory)")
            print("logs: \(setup.runDirectory)/\(SlurmScripts.logsName)/")
            print("watch: squeue -j \(ids.joined(separator: ",")) ; invlab status \(shellQuoted(setup.runDirectory))")
        }
    }
}

/// `invlab slurm resubmit`.
struct SlurmResubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resubmit",
        abstract: "Submit again only the shards of a run whose units failed or never ran, then a merge job.",
        discussion: """
        Refuses while jobs of the run are still queued or running (a merge job whose dependency can
        never be satisfied, after a cancelled or failed task, is cancelled). sbatch options given here
        replace those of the submission. When every unit is done it says so, merges if needed, exit 0.

        Example:
          invlab slurm resubmit runs/quickstart/20261129-101500 --time 2:00:00
        """)

    @Argument(help: "The run directory (made by invlab slurm submit).")
    var runDirectory: String

    @OptionGroup var job: SlurmJobArguments

    func run() throws {
        try SlurmChain.reporting {
            try SlurmScripts.checkCounts(tasks: 1, chunk: nil, cpusPerTask: job.cpusPerTask)
            let directory = URL(fileURLWithPath: runDirectory).standardizedFileURL
            guard let record = try SlurmRecord.load(directory) else {
                throw SlurmInputError("\(directory.path) holds no \(SlurmScripts.directoryName)/submit.json: not a run made by invlab slurm submit")
            }
            let sbatch = job.dryRun ? nil : try SlurmTools.require("sbatch", for: "resubmit")
            var setup = record.setup
            setup.options = setup.options.overridden(by: job.options)
            try SlurmScripts.validate(setup)
            if !job.dryRun { try Self.checkQueue(record) }
            let state = try SlurmUnitStates.load(directory)
            let number = record.jobs.filter { $0.role == "units" }.count
            var steps: [SlurmChain.Step] = []
            let shards: [Int]
            if let state {
                for unit in state.units where unit.state == "running" {
                    print("unit \(unit.id) (shard \(unit.shard)) is still running; its shard is not resubmitted")
                }
                shards = state.shardsToRerun
                if shards.isEmpty {
                    if state.unfinished.isEmpty {
                        print("nothing to resubmit: all \(state.units.count) units of \(directory.path) are done")
                        try SlurmUnitStates.mergeIfNeeded(directory)
                    }
                    return
                }
                setup.tasks = state.shards
                setup.chunk = state.chunk
            } else {
                // No shard ever started (the prepare job failed or was cancelled): the whole chain again.
                shards = Array(1...setup.tasks)
                steps.append(.init(role: "prepare", file: "resubmit\(number)-prepare.sbatch", script: try SlurmScripts.prepare(setup)))
            }
            let array = SlurmScripts.arrayIndices(shards: shards)
            steps.append(.init(role: "units", file: "resubmit\(number)-units.sbatch", script: try SlurmScripts.units(setup, shards: shards), array: array))
            steps.append(.init(role: "merge", file: "resubmit\(number)-merge.sbatch", script: try SlurmScripts.merge(setup)))
            var updated = record
            updated.setup = setup
            let ids = try SlurmChain.run(steps, setup: setup, record: updated, dryRun: job.dryRun, sbatch: sbatch)
            guard ids.count == steps.count else { return }
            if steps.count == 3 { print("prepare job: \(ids[0])") }
            print("units job array: \(ids[ids.count - 2]) (tasks \(array) = shard\(shards.count == 1 ? "" : "s") \(shards.map(String.init).joined(separator: ",")) of \(setup.tasks))")
            print("merge job: \(ids[ids.count - 1])")
            print("run directory: \(setup.runDirectory)")
        }
    }

    /// Refuses while jobs of the run are queued or running; cancels jobs that wait on a
    /// dependency that can never be satisfied (an earlier job failed or was cancelled), and the
    /// jobs of the chain that wait on those.
    static func checkQueue(_ record: SlurmRecord) throws {
        guard let queued = SlurmTools.queued(record.jobs.map(\.id)) else { return }
        var staleJobs = Set<String>()
        for job in record.jobs {
            let entries = queued.filter { $0.id == job.id || $0.id.hasPrefix(job.id + "_") }
            // Slurm marks a dependency never satisfied on a later scheduling cycle; until then a job
            // whose dependency has left the queue waits with reason "Dependency". Either way it can
            // only start as a merge of the old submission, which resubmit replaces (and when every
            // unit is done, resubmit merges by itself).
            let dependencyGone = job.after.map { after in !queued.contains { $0.id == after || $0.id.hasPrefix(after + "_") } } ?? false
            let never = entries.contains { $0.state == "PENDING" && $0.reason == "DependencyNeverSatisfied" }
                || (dependencyGone && !entries.isEmpty && entries.allSatisfy { $0.state == "PENDING" && $0.reason.hasPrefix("Dependency") })
            let waitsOnStale = job.after.map(staleJobs.contains) ?? false
                && entries.allSatisfy { $0.state == "PENDING" && $0.reason.hasPrefix("Dependency") }
            if !entries.isEmpty && (never || waitsOnStale) { staleJobs.insert(job.id) }
        }
        let stale = queued.filter { entry in staleJobs.contains { entry.id == $0 || entry.id.hasPrefix($0 + "_") } }
        let active = queued.filter { job in !stale.contains { $0.id == job.id } }
        if !active.isEmpty {
            let list = active.map { "\($0.id) (\($0.state))" }.joined(separator: ", ")
            throw SlurmInputError("jobs of this run are still queued or running: \(list); wait until they end (squeue) or scancel them, then resubmit")
        }
        if !stale.isEmpty, let scancel = SlurmTools.locate("scancel") {
            let ids = staleJobs.sorted()
            _ = try? SlurmTools.run(scancel, ids)
            print("cancelled job\(ids.count == 1 ? "" : "s") \(ids.joined(separator: ", ")) of an earlier submission: \(ids.count == 1 ? "its" : "their") dependency can never be satisfied")
        }
    }
}

/// The state of a run's units and its merge, for resubmit (the code of `invlab status` and `invlab merge`).
enum SlurmUnitStates {
    /// Nil when no shard has started yet (no units.json).
    static func load(_ directory: URL) throws -> SlurmRunState? {
        let files = UnitFiles(directory: directory)
        guard FileManager.default.fileExists(atPath: files.layoutFile.path) else { return nil }
        let (layout, states) = try ShardRunner.statuses(files)
        return SlurmRunState(shards: layout.shards, chunk: layout.chunk, units: states.map {
            SlurmRunState.Unit(id: $0.unit.id, shard: layout.shard(of: $0.unit), state: $0.status.rawValue)
        })
    }

    /// Whether run.json says the run was merged (status completed or completed_with_failures).
    static func isMerged(_ directory: URL) -> Bool {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("run.json")),
              case .string(let status)? = (try? JSONValue.parse(data))?["status"] else { return false }
        return status.hasPrefix("completed")
    }

    /// Runs `invlab merge` (in this process) when the run has not been merged yet.
    static func mergeIfNeeded(_ directory: URL) throws {
        if isMerged(directory) {
            print("already merged: \(directory.appendingPathComponent("results.csv").path)")
            return
        }
        print("merging")
        let merge = try MergeCommand.parse([directory.path, "--quiet"])
        try merge.run()
    }
}
