import Foundation
import InvLabIO
import InvLabSpec

/// What became of a work unit, as `units/<id>/state.json` records it. Written atomically at
/// each transition by the process that runs the unit.
public struct UnitRecord: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable { case running, done, failed }

    public var state: State
    public var host: String
    public var pid: Int32
    /// `SLURM_JOB_ID` (and array task) of the process, when it runs under Slurm.
    public var slurmJob: String?
    public var started: String
    public var finished: String?
    public var seconds: Double?
    public var error: String?
    /// run.json keys the unit noted (data split, judge panel), compact JSON, for the merge.
    public var runInfo: String?

    public init(state: State, host: String, pid: Int32, slurmJob: String?, started: String, finished: String? = nil,
                seconds: Double? = nil, error: String? = nil, runInfo: String? = nil) {
        self.state = state
        self.host = host
        self.pid = pid
        self.slurmJob = slurmJob
        self.started = started
        self.finished = finished
        self.seconds = seconds
        self.error = error
        self.runInfo = runInfo
    }

    enum CodingKeys: String, CodingKey {
        case state, host, pid, slurmJob = "slurm_job", started, finished, seconds, error, runInfo = "run_info"
    }
}

/// The state `invlab status` shows for a unit.
public enum UnitStatus: String, Sendable, CaseIterable {
    case done, running, failed, missing
}

/// The files of work units in a run directory and the checks on them.
public struct UnitFiles {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    public var layoutFile: URL { directory.appendingPathComponent("units.json") }
    /// Held while a shard creates the run directory or claims a unit, and during a merge.
    public var lockFile: URL { directory.appendingPathComponent(".units.lock") }
    /// The finish stamps of the units the last merge read (see `ShardRunner.merge`).
    var mergedFile: URL { directory.appendingPathComponent("units/merged.txt") }
    public func unitDirectory(_ id: String) -> URL { directory.appendingPathComponent("units/\(id)") }
    func stateFile(_ id: String) -> URL { unitDirectory(id).appendingPathComponent("state.json") }
    func outcomeFile(_ id: String) -> URL { unitDirectory(id).appendingPathComponent("outcome.json") }
    func attackFile(_ id: String) -> URL { unitDirectory(id).appendingPathComponent("attack.safetensors") }

    public func layout() throws -> UnitLayout? {
        guard FileManager.default.fileExists(atPath: layoutFile.path) else { return nil }
        do {
            return try JSONDecoder().decode(UnitLayout.self, from: Data(contentsOf: layoutFile))
        } catch {
            throw UnitError("\(layoutFile.path) is unreadable: \(error)")
        }
    }

    public func write(_ layout: UnitLayout) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(layout), to: layoutFile)
    }

    public func record(_ id: String) -> UnitRecord? {
        guard let data = try? Data(contentsOf: stateFile(id)) else { return nil }
        return try? JSONDecoder().decode(UnitRecord.self, from: data)
    }

    public func write(_ record: UnitRecord, for id: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(try encoder.encode(record), to: stateFile(id))
    }

    /// The unit's state: a `running` record whose process is gone (killed on this host, or a
    /// Slurm job that no longer runs) counts as failed.
    public func status(_ id: String) -> (UnitStatus, UnitRecord?) {
        guard let record = record(id) else { return (.missing, nil) }
        switch record.state {
        case .done: return (.done, record)
        case .failed: return (.failed, record)
        case .running: return (ProcessLiveness.isAlive(record) ? .running : .failed, record)
        }
    }
}

/// Whether the process of a `running` unit record still runs.
public enum ProcessLiveness {
    public static var hostName: String { ProcessInfo.processInfo.hostName }

    /// The current process's Slurm job (`<array job>_<task>` for an array task), if any.
    public static var slurmJob: String? {
        let environment = ProcessInfo.processInfo.environment
        if let array = environment["SLURM_ARRAY_JOB_ID"], let task = environment["SLURM_ARRAY_TASK_ID"] { return "\(array)_\(task)" }
        return environment["SLURM_JOB_ID"]
    }

    /// On this host by its pid; elsewhere through `squeue` when the unit ran under Slurm;
    /// otherwise assumed alive (a record from another host cannot be checked).
    public static func isAlive(_ record: UnitRecord) -> Bool {
        if record.host == hostName {
            return kill(record.pid, 0) == 0 || errno == EPERM
        }
        if let job = record.slurmJob, let states = squeueStates(job: job) { return !states.isEmpty }
        return true
    }

    /// The states `squeue` reports for a job (empty when it no longer runs), nil without squeue.
    static func squeueStates(job: String) -> [String]? {
        guard let squeue = ChildProcess.locate("squeue") else { return nil }
        return (Provenance.run(squeue, ["-h", "-j", job, "-o", "%T"]) ?? "").split(separator: "\n").map(String.init)
    }
}
