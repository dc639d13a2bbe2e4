import Foundation
import InvLabSpec

/// What a run's run.json says about the spec it was made from: its name, spec hash, trial count
/// and `--set` overrides. `invlab verify --run` uses it to refuse a run of another spec, and
/// `invlab run --resume` to re-apply the overrides the run was started with.
public struct RecordedRun: Equatable {
    public var directory: URL
    public var name: String?
    public var specHash: String?
    public var trials: Int?
    /// The `--set` assignments of the run, as typed (empty for runs made before they were recorded).
    public var overrides: [String]

    /// Reads `directory/run.json`.
    /// - Throws: `RunDirectoryError` when the file is missing or is not a JSON object.
    public init(directory: URL) throws {
        let file = directory.appendingPathComponent("run.json")
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw RunDirectoryError("\(directory.path) holds no run.json; is it a run directory?")
        }
        guard let object = try? JSONValue.parse(data), case .object = object else {
            throw RunDirectoryError("\(file.path) is not a JSON object; is it a run directory?")
        }
        func string(_ value: JSONValue?) -> String? {
            if case .string(let text)? = value { return text }
            return nil
        }
        self.directory = directory
        name = string(object["name"])
        specHash = string(object["spec_hash"])
        trials = object["trials"]?.doubleValue.map { Int($0) }
        if case .array(let list)? = object["overrides"] { overrides = list.compactMap(string) } else { overrides = [] }
    }

    /// Why this run cannot stand for a run of `loaded` (the spec at `specPath`): a different
    /// spec hash, named with both hashes, names and trial counts; nil when the hashes agree.
    public func mismatch(with loaded: LoadedSpec, specPath: String) -> Diagnostic? {
        guard specHash != loaded.hash else { return nil }
        func describe(_ name: String?, _ hash: String?, _ trials: Int?) -> String {
            let count = trials.map { "\($0) trial\($0 == 1 ? "" : "s")" } ?? "unknown trial count"
            return "'\(name ?? "(no name)")', spec hash \(hash ?? "(none)"), \(count)"
        }
        var notes = ["verify compares a spec's expected figures only with a run of that same spec; rerun it with `invlab verify \(shellQuoted(specPath))` (without --run)"]
        if !overrides.isEmpty {
            notes.append("the run was made with " + overrides.map { "--set " + shellQuoted($0) }.joined(separator: " ")
                         + "; verify checks the spec as published, without overrides")
        }
        return .error("\(directory.path) is a run of another spec: the run has \(describe(name, specHash, trials)); \(specPath) has \(describe(loaded.spec.name, loaded.hash, loaded.trials.count))",
                      notes: notes)
    }

    /// The overrides for `invlab run --resume` of the run in `directory`: `given` when the
    /// command line has any, else those stored in its run.json (`reapplied` is then true when
    /// there are some). A missing or unreadable run.json gives `given` (the resume itself then
    /// reports the problem).
    public static func resumeOverrides(given: [String], directory: URL) -> (overrides: [String], reapplied: Bool) {
        guard given.isEmpty, let recorded = try? RecordedRun(directory: directory), !recorded.overrides.isEmpty else {
            return (given, false)
        }
        return (recorded.overrides, true)
    }
}
