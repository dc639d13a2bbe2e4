import Foundation
import InvLabSpec

/// A problem with the input of `invlab slurm submit|resubmit`: one line for the user, exit 64.
public struct SlurmInputError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The sbatch options a user chooses for every job of a run (`--partition` ... `--extra-sbatch`).
public struct SlurmJobOptions: Codable, Sendable, Equatable {
    public var partition: String?
    public var time: String?
    public var cpusPerTask: Int?
    public var mem: String?
    public var account: String?
    /// `--extra-sbatch` values as given, e.g. `--qos=high --gres=gpu:1` (each may hold several options).
    public var extra: [String]

    public init(partition: String? = nil, time: String? = nil, cpusPerTask: Int? = nil, mem: String? = nil,
                account: String? = nil, extra: [String] = []) {
        self.partition = partition
        self.time = time
        self.cpusPerTask = cpusPerTask
        self.mem = mem
        self.account = account
        self.extra = extra
    }

    enum CodingKeys: String, CodingKey {
        case partition, time, cpusPerTask = "cpus_per_task", mem, account, extra
    }

    /// These options with every option set in `other` taking its place (resubmit with new options).
    public func overridden(by other: SlurmJobOptions) -> SlurmJobOptions {
        SlurmJobOptions(partition: other.partition ?? partition, time: other.time ?? time,
                        cpusPerTask: other.cpusPerTask ?? cpusPerTask, mem: other.mem ?? mem,
                        account: other.account ?? account, extra: other.extra.isEmpty ? extra : other.extra)
    }
}

/// Everything the batch scripts of one run need. Paths: `binary`, `submitDirectory` and
/// `runDirectory` are absolute (the only absolute paths the scripts contain); `spec` is as the
/// user gave it, relative to `submitDirectory` (the jobs' `--chdir`) unless given absolute.
public struct SlurmRunSetup: Codable, Sendable, Equatable {
    public var binary: String
    public var submitDirectory: String
    public var spec: String
    public var overrides: [String]
    public var runDirectory: String
    /// The spec's name, used in job names.
    public var name: String
    /// Shards (array tasks) N: task i runs `--shard (i+1)/N`.
    public var tasks: Int
    public var chunk: Int?
    public var options: SlurmJobOptions

    public init(binary: String, submitDirectory: String, spec: String, overrides: [String], runDirectory: String,
                name: String, tasks: Int, chunk: Int?, options: SlurmJobOptions) {
        self.binary = binary
        self.submitDirectory = submitDirectory
        self.spec = spec
        self.overrides = overrides
        self.runDirectory = runDirectory
        self.name = name
        self.tasks = tasks
        self.chunk = chunk
        self.options = options
    }

    enum CodingKeys: String, CodingKey {
        case binary, submitDirectory = "submit_directory", spec, overrides, runDirectory = "run_directory", name, tasks,
             chunk, options
    }
}

/// The batch scripts of a run, as pure functions of its `SlurmRunSetup` (no Slurm needed):
/// `prepare.sbatch` (trains the shared models into the cache), `units.sbatch` (a job array, task
/// i runs shard i+1 of N) and `merge.sbatch` (assembles the tables). `invlab slurm submit`
/// chains them with `--dependency=afterok:ID` on the sbatch command line.
public enum SlurmScripts {
    /// Where the scripts and logs live inside the run directory.
    public static let directoryName = "slurm"
    public static let logsName = "slurm/logs"

    /// Checks what would make a script wrong (numbers below 1, line breaks, bad extra options).
    public static func validate(_ setup: SlurmRunSetup) throws {
        try checkCounts(tasks: setup.tasks, chunk: setup.chunk, cpusPerTask: setup.options.cpusPerTask)
        let texts: [(String, String?)] = [
            ("--partition", setup.options.partition), ("--time", setup.options.time), ("--mem", setup.options.mem),
            ("--account", setup.options.account), ("the spec path", setup.spec), ("the run directory", setup.runDirectory),
            ("the submit directory", setup.submitDirectory), ("the invlab path", setup.binary),
        ] + setup.overrides.map { ("--set", $0) } + setup.options.extra.map { ("--extra-sbatch", $0) }
        for (what, text) in texts {
            guard let text else { continue }
            if text.contains(where: \.isNewline) { throw SlurmInputError("\(what) must not contain a line break") }
            if what.hasPrefix("--"), what != "--set", what != "--extra-sbatch", text.isEmpty {
                throw SlurmInputError("\(what) must not be empty")
            }
        }
        _ = try extraDirectives(setup.options.extra)
    }

    /// The numbers of a submission: each at least 1.
    public static func checkCounts(tasks: Int, chunk: Int?, cpusPerTask: Int?) throws {
        if tasks < 1 { throw SlurmInputError("--tasks must be at least 1, got \(tasks)") }
        if let chunk, chunk < 1 { throw SlurmInputError("--chunk must be at least 1 identity per unit, got \(chunk)") }
        if let cpusPerTask, cpusPerTask < 1 { throw SlurmInputError("--cpus-per-task must be at least 1, got \(cpusPerTask)") }
    }

    /// The prepare job: `invlab prepare SPEC [--set ...]`.
    public static func prepare(_ setup: SlurmRunSetup) throws -> String {
        try validate(setup)
        let command = [shellQuoted(setup.binary), "prepare", shellQuoted(setup.spec)] + setOptions(setup)
        return try script(setup, role: "prepare", log: "prepare_%j.out", array: nil, summary: [
            "# Trains every model the work units share (target, evaluator, judges, f', generators, data)",
            "# into the model cache, once, before the array starts.",
        ], body: [
            "echo \"invlab: prepare on $(hostname) (job $SLURM_JOB_ID, ${INVLAB_THREADS:-default} threads)\"",
            "exec " + command.joined(separator: " "),
        ])
    }

    /// The job array of work units: task i runs shard i+1 of N. `shards` (1-based) chooses the
    /// tasks: all N for a submission, the unfinished ones for a resubmission.
    public static func units(_ setup: SlurmRunSetup, shards: [Int]) throws -> String {
        try validate(setup)
        guard !shards.isEmpty, shards.allSatisfy({ (1...setup.tasks).contains($0) }) else {
            throw SlurmInputError("shards to run must lie in 1...\(setup.tasks), got \(shards)")
        }
        var command = [shellQuoted(setup.binary), "run", shellQuoted(setup.spec), "--out", shellQuoted(setup.runDirectory),
                       "--shard", "\"$shard/\(setup.tasks)\""]
        if let chunk = setup.chunk { command += ["--chunk", String(chunk)] }
        command += setOptions(setup) + ["--quiet"]
        return try script(setup, role: "units", log: "%A_%a.out", array: arrayIndices(shards: shards), summary: [
            "# Work units: array task i runs shard i+1 of \(setup.tasks) (the units i+1, i+1+\(setup.tasks), ... in plan order",
            "# that are not done yet). The shard that finishes a run's last unit also merges it.",
        ], body: [
            ": \"${SLURM_ARRAY_TASK_ID:?runs as a Slurm array task: sbatch units.sbatch}\"",
            "shard=$((SLURM_ARRAY_TASK_ID + 1))",
            "echo \"invlab: shard $shard/\(setup.tasks) on $(hostname) (job ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}, ${INVLAB_THREADS:-default} threads)\"",
            "exec " + command.joined(separator: " "),
        ])
    }

    /// The merge job: `invlab merge RUN_DIR` (a no-op repeat when the last shard merged already).
    public static func merge(_ setup: SlurmRunSetup) throws -> String {
        try validate(setup)
        let command = [shellQuoted(setup.binary), "merge", shellQuoted(setup.runDirectory)]
        return try script(setup, role: "merge", log: "merge_%j.out", array: nil, summary: [
            "# Assembles results.csv/.jsonl/.md, targets.csv, plots and report.html from the finished units.",
        ], body: [
            "echo \"invlab: merge on $(hostname) (job $SLURM_JOB_ID)\"",
            "exec " + command.joined(separator: " "),
        ])
    }

    /// The sbatch arguments that submit `script` after job `after` succeeded: `--parsable
    /// [--dependency=afterok:ID] SCRIPT`.
    public static func sbatchArguments(script: String, after: String?) -> [String] {
        ["--parsable"] + (after.map { ["--dependency=afterok:\($0)"] } ?? []) + [script]
    }

    /// Array task ids (shard - 1) in sbatch's `--array` syntax, consecutive ids as ranges:
    /// shards [1, 2, 3, 5] give `0-2,4`.
    public static func arrayIndices(shards: [Int]) -> String {
        let ids = Array(Set(shards.map { $0 - 1 })).sorted()
        var parts: [String] = []
        var index = 0
        while index < ids.count {
            var end = index
            while end + 1 < ids.count, ids[end + 1] == ids[end] + 1 { end += 1 }
            parts.append(end == index ? "\(ids[index])" : "\(ids[index])-\(ids[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }

    /// The `#SBATCH` lines of `--extra-sbatch` values: each value is split into words like a
    /// shell does (quotes group words); a word starting with `-` starts an option, the words
    /// after it are its value (`--qos high` and `--qos=high` both work).
    public static func extraDirectives(_ extra: [String]) throws -> [String] {
        var lines: [String] = []
        for value in extra {
            var current: [String] = []
            for word in try words(value) {
                if word.hasPrefix("-") {
                    if !current.isEmpty { lines.append(current.joined(separator: " ")) }
                    current = [directiveQuoted(word)]
                } else if current.isEmpty {
                    throw SlurmInputError("--extra-sbatch expects sbatch options such as '--qos=high', got '\(value)'")
                } else {
                    current.append(directiveQuoted(word))
                }
            }
            if !current.isEmpty { lines.append(current.joined(separator: " ")) }
        }
        return lines
    }

    /// A value as sbatch reads it from an `#SBATCH` line: plain when it holds only safe
    /// characters, otherwise in double quotes with `\` and `"` escaped (sbatch's own rules; no
    /// shell expansion happens on these lines).
    public static func directiveQuoted(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
            (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))) || "@%+=:,./_-".unicodeScalars.contains(scalar)
        }
        if plain { return text }
        if let equals = text.firstIndex(of: "="), text.hasPrefix("--") {
            let name = text[...equals]
            if name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-=".unicodeScalars.contains($0)) }) {
                return String(name) + directiveQuoted(String(text[text.index(after: equals)...]))
            }
        }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// A path inside an sbatch `--output` pattern: `%` doubled (a literal per-cent sign).
    static func patternEscaped(_ path: String) -> String { path.replacingOccurrences(of: "%", with: "%%") }

    static func setOptions(_ setup: SlurmRunSetup) -> [String] {
        setup.overrides.flatMap { ["--set", shellQuoted($0)] }
    }

    static func script(_ setup: SlurmRunSetup, role: String, log: String, array: String?, summary: [String], body: [String]) throws -> String {
        var lines = ["#!/bin/bash"]
        lines.append("# invlab slurm: the \(role) job of run \(setup.name) (written by `invlab slurm submit`; sbatch chains the jobs")
        lines.append("# with --dependency=afterok on its command line).")
        lines += summary
        lines.append("#SBATCH --job-name=\(directiveQuoted("invlab-\(role)-\(setup.name)"))")
        lines.append("#SBATCH --chdir=\(directiveQuoted(setup.submitDirectory))")
        lines.append("#SBATCH --output=\(directiveQuoted(patternEscaped(setup.runDirectory) + "/\(logsName)/" + log))")
        if let array { lines.append("#SBATCH --array=\(array)") }
        let options = setup.options
        if let cpus = options.cpusPerTask { lines.append("#SBATCH --cpus-per-task=\(cpus)") }
        if let value = options.partition { lines.append("#SBATCH --partition=\(directiveQuoted(value))") }
        if let value = options.time { lines.append("#SBATCH --time=\(directiveQuoted(value))") }
        if let value = options.mem { lines.append("#SBATCH --mem=\(directiveQuoted(value))") }
        if let value = options.account { lines.append("#SBATCH --account=\(directiveQuoted(value))") }
        lines += try extraDirectives(options.extra).map { "#SBATCH " + $0 }
        lines.append("set -euo pipefail")
        lines.append("# Threads per task: the CPUs Slurm allocated (--cpus-per-task), else invlab's default.")
        lines.append("if [ -n \"${SLURM_CPUS_PER_TASK:-}\" ]; then export INVLAB_THREADS=\"$SLURM_CPUS_PER_TASK\"; fi")
        lines += body
        return lines.joined(separator: "\n") + "\n"
    }

    /// Splits `text` into words like a POSIX shell (single quotes literal, double quotes with
    /// `\` escapes, backslash outside quotes); no expansion.
    static func words(_ text: String) throws -> [String] {
        var words: [String] = [], current = "", inWord = false
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
                continue
            }
            switch quote {
            case "'":
                if character == "'" { quote = nil } else { current.append(character) }
            case "\"":
                if character == "\"" { quote = nil } else if character == "\\" { escaped = true } else { current.append(character) }
            default:
                if character == "'" || character == "\"" {
                    quote = character
                    inWord = true
                } else if character == "\\" {
                    escaped = true
                    inWord = true
                } else if character.isWhitespace {
                    if inWord { words.append(current) }
                    current = ""
                    inWord = false
                } else {
                    current.append(character)
                    inWord = true
                }
            }
        }
        if quote != nil || escaped { throw SlurmInputError("--extra-sbatch '\(text)': unbalanced quote or trailing backslash") }
        if inWord { words.append(current) }
        return words
    }
}

/// The state of a run's units as `invlab status RUN_DIR --json` reports it (the fields resubmit needs).
public struct SlurmRunState: Codable, Sendable, Equatable {
    public struct Unit: Codable, Sendable, Equatable {
        public var id: String
        public var shard: Int
        public var state: String
        public init(id: String, shard: Int, state: String) {
            self.id = id
            self.shard = shard
            self.state = state
        }
    }

    public var shards: Int
    public var chunk: Int?
    public var units: [Unit]

    public init(shards: Int, chunk: Int?, units: [Unit]) {
        self.shards = shards
        self.chunk = chunk
        self.units = units
    }

    /// The shards (1-based, ascending) that hold a failed or missing unit: what a resubmission
    /// runs. A shard with a running unit is left out (its process still works on it).
    public var shardsToRerun: [Int] {
        let running = Set(units.filter { $0.state == "running" }.map(\.shard))
        return Array(Set(units.filter { $0.state == "failed" || $0.state == "missing" }.map(\.shard)).subtracting(running)).sorted()
    }

    public var unfinished: [Unit] { units.filter { $0.state != "done" } }
}
