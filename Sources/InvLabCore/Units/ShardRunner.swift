import Foundation
import InvLabIO
import InvLabSpec

/// What a shard did.
public struct ShardSummary {
    public var directory: URL
    public var ran: [String]
    public var skipped: [String]
    /// Units that failed (their error), and units of which a trial failed deterministically.
    public var failed: [(id: String, error: String)]
    public var interrupted: Bool
    /// The merged run, when this shard finished the last unit (or found every unit done).
    public var merged: RunSummary?
}

/// Runs one shard of a run's work units into a shared run directory (`invlab run --shard K/N`)
/// and merges the run when its last unit is done (`invlab merge`).
///
/// Several shards (processes, possibly on several nodes with a shared file system) work in one
/// run directory: the first creates it with `units.json`; each claims a unit under the
/// directory's lock file, runs it into `units/<id>/` (a whole trial: its outcome and
/// artifacts; a chunk: its attack result), and records the unit's state atomically. The merge
/// computes the metrics of chunked trials from all their identities at once and writes the
/// tables exactly as a one-process run of the same spec, seed and thread count does.
public final class ShardRunner {
    public let runner: ExperimentRunner
    public let files: UnitFiles

    public init(runner: ExperimentRunner, directory: URL) {
        self.runner = runner
        self.files = UnitFiles(directory: directory)
    }

    public var loaded: LoadedSpec { runner.loaded }

    /// Creates the run directory and its unit layout, or checks that an existing one belongs to
    /// this spec, chunk and shard count.
    public func openRun(shards: Int, chunk: Int?) throws -> UnitLayout {
        try FileManager.default.createDirectory(at: files.directory, withIntermediateDirectories: true)
        return try FileLock.withLock(files.lockFile) {
            if let layout = try files.layout() {
                guard layout.specHash == loaded.hash else {
                    throw UnitError("\(files.directory.path) holds the units of another spec (spec hash \(layout.specHash), this spec \(loaded.hash)); choose another --out")
                }
                guard layout.shards == shards else {
                    throw UnitError("\(files.directory.path) is split into \(layout.shards) shards; run its shards as --shard K/\(layout.shards)")
                }
                guard layout.chunk == chunk else {
                    throw UnitError("\(files.directory.path) was planned with \(layout.chunk.map { "--chunk \($0)" } ?? "one unit per trial"), not \(chunk.map { "--chunk \($0)" } ?? "one unit per trial")")
                }
                return layout
            }
            let occupied = (try? FileManager.default.contentsOfDirectory(atPath: files.directory.path))?.filter { !$0.hasPrefix(".") } ?? []
            if !occupied.isEmpty {
                throw UnitError("\(files.directory.path) exists and is not the directory of a sharded run; choose another --out")
            }
            let columns = try runner.resultColumns()
            let directory = try RunDirectory(url: files.directory, columns: columns, specHash: loaded.hash, resume: false, force: true)
            let layout = UnitLayout(specHash: loaded.hash, chunk: chunk, shards: shards,
                                    units: try plannedUnits(chunk: chunk), specFile: loaded.file.standardizedFileURL.path,
                                    overrides: loaded.overrides)
            try runner.startRunInfo(directory, columns: columns, extra: [("shards", .integer(shards)), ("chunk", chunk.map { .integer($0) } ?? .null)])
            try files.write(layout)
            return layout
        }
    }

    /// The run's units for `chunk` (without writing anything).
    public func plannedUnits(chunk: Int?) throws -> [WorkUnit] {
        if chunk != nil {
            for trial in loaded.trials where !(try runner.plan(of: trial).attack.splitsByIdentity) {
                throw UnitError("attack '\(try loaded.spec(of: trial).attack.id)' cannot be split into identity chunks (its identities interact); run it with one unit per trial (no --chunk)")
            }
        }
        var costs: [Int: Int] = [:]
        for trial in loaded.trials {
            let spec = try loaded.spec(of: trial)
            let iterations = spec.attack.options["iterations"]?.scalarValue?.number.map { Int($0) } ?? 1
            costs[trial.index] = try runner.plan(of: trial).attack.batchSize(targets: 1) * max(iterations, 1)
        }
        return UnitLayout.units(trials: loaded.trials.map(\.index), identities: try runner.attackedIdentityCounts(), chunk: chunk,
                                costPerIdentity: costs)
    }

    /// Runs the units of shard `shard` that are not done (and not running elsewhere); merges
    /// when every unit of the run is done.
    public func run(shard: ShardSelection, chunk: Int?) throws -> ShardSummary {
        let layout = try openRun(shards: shard.count, chunk: chunk)
        var summary = ShardSummary(directory: files.directory, ran: [], skipped: [], failed: [], interrupted: false, merged: nil)
        for unit in layout.units(ofShard: shard.index) {
            if runner.environment.isCancelled { summary.interrupted = true; break }
            guard try claim(unit) else { summary.skipped.append(unit.id); continue }
            let began = Date()
            var record = UnitRecord(state: .running, host: ProcessLiveness.hostName, pid: getpid(), slurmJob: ProcessLiveness.slurmJob,
                                    started: ISO8601DateFormatter().string(from: began))
            do {
                let error = try runUnit(unit, layout: layout)
                record.state = .done
                record.error = error
                if let error { summary.failed.append((unit.id, error)) }
            } catch is RunCancelled {
                record.state = .failed
                record.error = "interrupted (signal)"
                summary.interrupted = true
            } catch {
                record.state = .failed
                record.error = "\(error)"
                summary.failed.append((unit.id, "\(error)"))
            }
            record.finished = ISO8601DateFormatter().string(from: Date())
            record.seconds = Date().timeIntervalSince(began)
            if let info = runner.deferredRunInfo, !info.isEmpty { record.runInfo = JSONValue.object(info).serialized(pretty: false) }
            try files.write(record, for: unit.id)
            summary.ran.append(unit.id)
            if summary.interrupted { break }
        }
        if !summary.interrupted, layout.units.allSatisfy({ files.status($0.id).0 == .done }) {
            summary.merged = try merge(unlessCurrent: true)
        }
        return summary
    }

    /// Marks `unit` running unless it is done or another live process runs it.
    func claim(_ unit: WorkUnit) throws -> Bool {
        try FileLock.withLock(files.lockFile) {
            switch files.status(unit.id).0 {
            case .done, .running: return false
            case .failed, .missing:
                try files.write(UnitRecord(state: .running, host: ProcessLiveness.hostName, pid: getpid(), slurmJob: ProcessLiveness.slurmJob,
                                           started: ISO8601DateFormatter().string(from: Date())), for: unit.id)
                return true
            }
        }
    }

    /// Runs one unit; returns the error of a trial that failed deterministically (recorded as a
    /// failed trial, as a one-process run records it), throws when the unit itself failed.
    func runUnit(_ unit: WorkUnit, layout: UnitLayout) throws -> String? {
        guard let trial = loaded.trials.first(where: { $0.index == unit.trial }) else {
            throw UnitError("unit \(unit.id) names trial \(unit.trial), which this spec does not have")
        }
        runner.deferredRunInfo = []
        runner.recordedJudges = false
        defer { runner.currentDirectory = nil }
        try FileManager.default.createDirectory(at: files.unitDirectory(unit.id), withIntermediateDirectories: true)
        if unit.chunk == nil {
            let directory = try RunDirectory(attachingTo: files.directory, columns: try runner.resultColumns())
            let outcome = try runner.runTrial(trial, directory: directory)
            try AtomicFile.write(try OutcomeCoding.encoder.encode(outcome), to: files.outcomeFile(unit.id))
            return outcome.status == .failed ? outcome.error : nil
        }
        do {
            let result = try runner.runChunk(trial, positions: unit.positions)
            try AttackResultArchive.write(result, to: files.attackFile(unit.id))
            return nil
        } catch let error as RunCancelled {
            throw error
        } catch let error as UnitError {
            throw error
        } catch {
            return "attack: \(error)"
        }
    }

    /// Per-unit states, in plan order.
    public func statuses() throws -> (UnitLayout, [(unit: WorkUnit, status: UnitStatus, record: UnitRecord?)]) {
        try Self.statuses(files)
    }

    /// Per-unit states of the sharded run in `files`, in plan order.
    public static func statuses(_ files: UnitFiles) throws -> (UnitLayout, [(unit: WorkUnit, status: UnitStatus, record: UnitRecord?)]) {
        guard let layout = try files.layout() else {
            throw UnitError("\(files.directory.path) is not the directory of a sharded run (no units.json)")
        }
        return (layout, layout.units.map { unit in
            let (status, record) = files.status(unit.id)
            return (unit, status, record)
        })
    }

    /// Assembles the run's tables, targets.csv, plots and report from its units. Refuses, with
    /// nothing written, when a unit is not done.
    /// With `unlessCurrent` (the automatic merge after a shard's last unit), a run already
    /// merged from exactly these unit results is left as it is (nil): two shards that finish
    /// together merge once.
    public func merge(unlessCurrent: Bool = false) throws -> RunSummary? {
        try FileLock.withLock(files.lockFile) {
            let (layout, states) = try statuses()
            let stamp = states.map { "\($0.unit.id) \($0.record?.finished ?? "")" }.joined(separator: "\n")
            if unlessCurrent, (try? String(contentsOf: files.mergedFile, encoding: .utf8)) == stamp { return nil }
            guard layout.specHash == loaded.hash else {
                throw UnitError("\(files.directory.path) holds the units of another spec (spec hash \(layout.specHash), this spec \(loaded.hash))")
            }
            let notDone = states.filter { $0.status != .done }
            guard notDone.isEmpty else {
                let listed = notDone.prefix(5).map { "\($0.unit.id) (\($0.status.rawValue))" }.joined(separator: ", ")
                throw UnitError("cannot merge \(files.directory.path): \(notDone.count) of \(states.count) units are not done: \(listed)\(notDone.count > 5 ? ", ..." : ""); run `invlab status \(files.directory.path)`")
            }
            let summary = try assemble(layout: layout, states: states)
            try AtomicFile.write(stamp, to: files.mergedFile)
            return summary
        }
    }

    private func assemble(layout: UnitLayout, states: [(unit: WorkUnit, status: UnitStatus, record: UnitRecord?)]) throws -> RunSummary {
        let columns = try runner.resultColumns()
        let directory = try RunDirectory(url: files.directory, columns: columns, specHash: loaded.hash, resume: true, force: false)
        runner.deferredRunInfo = nil
        runner.currentDirectory = directory
        runner.recordedJudges = false
        var info: [(key: String, value: JSONValue)] = []
        for state in states {
            guard let text = state.record?.runInfo, case .object(let members) = try JSONValue.parse(Data(text.utf8)) else { continue }
            for member in members where !info.contains(where: { $0.key == member.key }) { info.append(member) }
        }
        if !info.isEmpty {
            runner.recordedJudges = info.contains { $0.key == "judges" }
            try directory.updateRunInfo(info)
        }
        var outcomes: [TrialOutcome] = []
        for trial in loaded.trials {
            let units = states.filter { $0.unit.trial == trial.index }
            if !layout.isChunked(trial: trial.index), let unit = units.first {
                let data = try Data(contentsOf: files.outcomeFile(unit.unit.id))
                outcomes.append(try OutcomeCoding.decoder.decode(TrialOutcome.self, from: data))
                continue
            }
            let unitSeconds = units.reduce(0) { $0 + ($1.record?.seconds ?? 0) }
            if let failed = units.first(where: { $0.record?.error != nil }) {
                let sweep = trial.assignments.map { SweepCell(key: $0.path.description, text: emitFlowYAML($0.value), number: $0.value.scalarValue?.number) }
                outcomes.append(TrialOutcome(index: trial.index, sweep: sweep, status: .failed, error: failed.record?.error, values: [:],
                                             identities: [], timings: ["units": unitSeconds], evaluatorIsTarget: false))
                continue
            }
            let merged = try AttackResult.concatenating(units.map { try AttackResultArchive.read(from: files.attackFile($0.unit.id)) })
            var outcome = try runner.runTrial(trial, directory: directory, attack: .provided(merged))
            outcome.timings["units"] = unitSeconds
            outcomes.append(outcome)
        }
        try directory.recordAll(outcomes)
        let failures = outcomes.filter { $0.status == .failed }.count
        var stageSeconds: [String: Double] = [:]
        for outcome in outcomes { for (stage, seconds) in outcome.timings { stageSeconds[stage, default: 0] += seconds } }
        try directory.updateRunInfo([
            ("status", .string(failures > 0 ? "completed_with_failures" : "completed")),
            ("finished", .string(ISO8601DateFormatter().string(from: Date()))),
            ("stage_seconds", .object(stageSeconds.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) })),
        ])
        try runner.emit(.runFinished(directory: directory.url, outcomes: directory.outcomes, columns: columns, interrupted: false))
        return RunSummary(directory: directory.url, outcomes: directory.outcomes, columns: columns, interrupted: false)
    }

    /// Makes every trial's shared stage (`invlab prepare`): returns the cache keys this process
    /// computed (the others were found in the cache).
    public func prepare() throws -> [String] {
        for trial in loaded.trials {
            if runner.environment.isCancelled { throw RunCancelled() }
            try runner.prepareShared(trial)
        }
        return runner.environment.cache.madeKeys
    }
}
