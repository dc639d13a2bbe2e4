import Foundation
import InvLabCore
import InvLabIO

// The Slurm side of `invlab slurm`: the record of a run's submitted jobs and the calls to
// Slurm's client commands (sbatch, squeue, scancel).

/// What `invlab slurm submit` records in RUN_DIR/slurm/submit.json: the setup the scripts were
/// made from and every job submitted for the run (resubmit reads both).
struct SlurmRecord: Codable {
    struct Job: Codable {
        var role: String
        var id: String
        var array: String?
        /// The job it waits for (afterok), nil for the first of a chain.
        var after: String?
    }

    var setup: SlurmRunSetup
    var jobs: [Job]

    static func url(_ runDirectory: URL) -> URL {
        runDirectory.appendingPathComponent(SlurmScripts.directoryName).appendingPathComponent("submit.json")
    }

    static func load(_ runDirectory: URL) throws -> SlurmRecord? {
        let url = url(runDirectory)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            return try JSONDecoder().decode(SlurmRecord.self, from: Data(contentsOf: url))
        } catch {
            throw SlurmInputError("\(url.path) is unreadable: \(error)")
        }
    }

    func save(_ runDirectory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(self), to: Self.url(runDirectory))
    }
}

/// A failure of a Slurm command (sbatch refused a job): exit 1.
struct SlurmCommandFailure: Error, CustomStringConvertible {
    var description: String
}

/// Finding and calling Slurm's client commands.
enum SlurmTools {
    /// The absolute path of `program` on PATH, nil when absent.
    static func locate(_ program: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        ChildProcess.locate(program, path: path)
    }

    /// The error when `program` is missing from PATH.
    static func require(_ program: String, for command: String) throws -> String {
        guard let found = locate(program) else {
            throw SlurmInputError("\(program) not found on PATH: invlab slurm \(command) needs Slurm's client commands (--dry-run only prints the scripts)")
        }
        return found
    }

    /// Runs a program; returns its status, standard output and standard error.
    static func run(_ executable: String, _ arguments: [String]) throws -> ChildProcess.Output {
        try ChildProcess.run(executable, arguments)
    }

    /// `sbatch --parsable [--dependency=afterok:ID] SCRIPT`: the job id.
    static func submit(sbatch: String, script: URL, after dependency: String?) throws -> String {
        let arguments = SlurmScripts.sbatchArguments(script: script.path, after: dependency)
        let result = try run(sbatch, arguments)
        let id = result.output.split(separator: "\n").first.map { String($0.split(separator: ";")[0]) }?
            .trimmingCharacters(in: .whitespaces) ?? ""
        guard result.status == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
            let why = result.errors.trimmingCharacters(in: .whitespacesAndNewlines)
            throw SlurmCommandFailure(description: "sbatch \(arguments.joined(separator: " ")) failed (exit \(result.status)): \(why.isEmpty ? result.output : why)")
        }
        return id
    }

    /// The absolute path of the running invlab executable (the batch scripts call it).
    static func executablePath() -> String {
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return target }
        if let path = Bundle.main.executablePath { return URL(fileURLWithPath: path).standardizedFileURL.path }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }

    /// Jobs of `ids` (job ids, array job ids) that are still queued or running, from `squeue`:
    /// "ID STATE REASON" entries (ID like 12 or 12_3). Nil when squeue cannot be asked.
    static func queued(_ ids: [String]) -> [(id: String, state: String, reason: String)]? {
        guard !ids.isEmpty else { return [] }
        guard let squeue = locate("squeue"), let result = try? run(squeue, ["-h", "-o", "%F|%i|%T|%r"]), result.status == 0 else {
            return nil
        }
        let wanted = Set(ids)
        return result.output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4, wanted.contains(fields[0]) || wanted.contains(fields[1]) else { return nil }
            return (fields[1], fields[2], fields[3])
        }
    }
}
