import Foundation
import InvLabIO
import InvLabSpec

/// A problem with the run directory (exists already, cannot be resumed, cannot be written).
public struct RunDirectoryError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The files of one run:
///
/// ```
/// run.json            provenance and status
/// spec.resolved.yaml  the composed spec with overrides
/// results.jsonl       one trial outcome per line (the source of truth; tables are rebuilt from it)
/// results.csv|.md     one row per trial, declared columns in fixed order
/// targets.csv         one row per trial and attacked identity
/// timings.csv         wall-clock seconds per trial and stage (not reproducible byte for byte)
/// trials/NNNN/        per-trial images and arrays
/// ```
/// Every file is written atomically (temporary file, then rename), so a run killed at any
/// moment leaves each file either in its previous or its new complete state, and a trial is
/// either recorded completely or not at all.
public final class RunDirectory {
    public let url: URL
    public private(set) var outcomes: [TrialOutcome] = []
    public let columns: ResultColumns
    private var runInfo: [(key: String, value: JSONValue)] = []

    /// Opens the run directory: a new one, or an existing one to resume (`resume`) or replace
    /// (`force`). A directory that already holds a run is never overwritten silently.
    public init(url: URL, columns: ResultColumns, specHash: String, resume: Bool, force: Bool) throws {
        self.url = url
        self.columns = columns
        let fileManager = FileManager.default
        let runFile = url.appendingPathComponent("run.json")
        if fileManager.fileExists(atPath: runFile.path) {
            if resume {
                try loadForResume(specHash: specHash)
                return
            }
            guard force else {
                throw RunDirectoryError("\(url.path) already holds a run; pass --resume to continue it, --force to replace it, or choose another --out")
            }
            for item in try fileManager.contentsOfDirectory(atPath: url.path) {
                try fileManager.removeItem(at: url.appendingPathComponent(item))
            }
        } else if resume {
            throw RunDirectoryError("--resume needs an existing run directory, but \(url.path) holds no run.json")
        } else if fileManager.fileExists(atPath: url.path),
                  let items = try? fileManager.contentsOfDirectory(atPath: url.path), !items.isEmpty, !force {
            throw RunDirectoryError("\(url.path) exists and is not empty; choose another --out or pass --force to replace its contents")
        }
        try fileManager.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The directory of a sharded run as one unit's process sees it: it writes the trial's
    /// artifacts there and nothing else (the merge writes the tables and run.json).
    public init(attachingTo url: URL, columns: ResultColumns) throws {
        self.url = url
        self.columns = columns
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    private func loadForResume(specHash: String) throws {
        let data = try Data(contentsOf: url.appendingPathComponent("run.json"))
        if case .string(let recorded)? = try JSONValue.parse(data)["spec_hash"], recorded != specHash {
            throw RunDirectoryError("cannot resume \(url.path): the spec changed since the run started (spec hash \(recorded), now \(specHash)); start a new run instead")
        }
        let lines = (try? String(contentsOf: url.appendingPathComponent("results.jsonl"), encoding: .utf8)) ?? ""
        do {
            outcomes = try OutcomeCoding.outcomes(jsonLines: lines)
        } catch {
            throw RunDirectoryError("cannot resume \(url.path): results.jsonl \(error)")
        }
    }

    /// Indices of trials already recorded as completed (skipped by `--resume`; failed trials rerun).
    public var completedTrials: Set<Int> { Set(outcomes.filter { $0.status == .completed }.map(\.index)) }

    /// Writes `run.json` from `info`.
    public func writeRunInfo(_ info: [(key: String, value: JSONValue)]) throws {
        runInfo = info
        try AtomicFile.write(JSONValue.object(info).serialized(pretty: true) + "\n", to: url.appendingPathComponent("run.json"))
    }

    /// Updates some keys of `run.json`.
    public func updateRunInfo(_ changes: [(key: String, value: JSONValue)]) throws {
        var info = runInfo
        for change in changes {
            if let index = info.firstIndex(where: { $0.key == change.key }) { info[index].value = change.value } else { info.append(change) }
        }
        try writeRunInfo(info)
    }

    /// Writes a text file in the run directory atomically; `name` must stay inside it.
    public func write(_ text: String, to name: String) throws {
        try AtomicFile.write(text, to: try file(name))
    }

    /// Writes data atomically to a path inside the run directory.
    public func write(_ data: Data, to name: String) throws {
        try AtomicFile.write(data, to: try file(name))
    }

    /// A file URL inside the run directory; names with `..` or absolute paths are refused.
    public func file(_ name: String) throws -> URL {
        guard !name.hasPrefix("/"), !name.split(separator: "/").contains("..") else {
            throw RunDirectoryError("refusing to write '\(name)' outside the run directory")
        }
        let target = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        return target
    }

    /// Records a finished trial (replacing an earlier failed attempt of the same trial) and
    /// rewrites the tables.
    public func record(_ outcome: TrialOutcome) throws {
        try recordAll(outcomes.filter { $0.index != outcome.index } + [outcome])
    }

    /// Replaces every recorded outcome (the merge of a sharded run) and rewrites the tables.
    public func recordAll(_ all: [TrialOutcome]) throws {
        outcomes = JudgeConsensus.apply(all.sorted { $0.index < $1.index })
        let encoder = OutcomeCoding.encoder
        let lines = try outcomes.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        try write(lines.joined(separator: "\n") + "\n", to: "results.jsonl")
        try writeTables()
    }

    /// Rebuilds results.csv, results.md, targets.csv and timings.csv from the recorded outcomes.
    public func writeTables() throws {
        for table in Self.resultTables(outcomes, columns: columns) { try write(table.text, to: table.name) }
        try write(ResultTables.timings(outcomes, columns: columns).csv, to: "timings.csv")
    }

    /// results.csv, results.md (with a note when the attacked model judged its own attack) and
    /// targets.csv of `outcomes`, as file names and texts.
    static func resultTables(_ outcomes: [TrialOutcome], columns: ResultColumns) -> [(name: String, text: String)] {
        let trials = ResultTables.trials(outcomes, columns: columns)
        var markdown = trials.markdown
        if outcomes.contains(where: \.evaluatorIsTarget) {
            markdown += "\nNote: attack success in rows marked `evaluator_is_target = yes` was judged by the attacked model itself, not by a separate evaluation classifier.\n"
        }
        return [("results.csv", trials.csv), ("results.md", markdown),
                ("targets.csv", ResultTables.identities(outcomes, columns: columns).csv)]
    }
}
