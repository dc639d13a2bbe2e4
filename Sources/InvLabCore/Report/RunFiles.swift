import Foundation
import InvLabSpec

/// A problem reading a run directory for a report or a comparison.
public struct RunReportError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What a report needs from a run directory, read from its files alone (so a report can be
/// rebuilt for any finished or interrupted run, by any later `invlab`):
/// `run.json` (provenance), `results.jsonl` (the trial outcomes, the source of truth) and the
/// headers of `results.csv` / `targets.csv` (the declared column order).
public struct RunFiles {
    public var url: URL
    /// `run.json` (an empty object when missing).
    public var info: JSONValue
    public var outcomes: [TrialOutcome]
    public var columns: ResultColumns

    /// Reads a run directory. Throws when it holds neither `run.json` nor `results.jsonl`, or
    /// when a file is unreadable.
    public init(url: URL) throws {
        self.url = url
        let fileManager = FileManager.default
        let runFile = url.appendingPathComponent("run.json"), resultsFile = url.appendingPathComponent("results.jsonl")
        guard fileManager.fileExists(atPath: runFile.path) || fileManager.fileExists(atPath: resultsFile.path) else {
            throw RunReportError("\(url.path) is not a run directory: it holds neither run.json nor results.jsonl")
        }
        if fileManager.fileExists(atPath: runFile.path) {
            let document = try? JSONValue.parse(try Data(contentsOf: runFile))
            guard let document, case .object = document else { throw RunReportError("\(runFile.path): not a JSON object") }
            info = document
        } else {
            info = .object([])
        }
        outcomes = try Self.readOutcomes(resultsFile)
        columns = Self.readColumns(url, outcomes: outcomes)
        (columns.descriptions, columns.presentation) = ColumnRecords.read(info["columns"])
        // A spec with `seeds:` (as run.json's resolved spec records it) has its rows pooled over seeds.
        if info["resolved_spec"]?["seeds"] != nil, columns.sweepKeys.contains(SeedList.key) { columns.seedKey = SeedList.key }
    }

    /// A run held in memory (the runner's outcomes and columns) with the run.json on disk.
    public init(url: URL, outcomes: [TrialOutcome], columns: ResultColumns) {
        self.url = url
        let runFile = url.appendingPathComponent("run.json")
        info = (try? JSONValue.parse(Data(contentsOf: runFile))) ?? .object([])
        self.outcomes = outcomes
        self.columns = columns
    }

    /// True when run.json records how its columns are presented (runs made before it did not).
    public var recordsColumns: Bool { info["columns"] != nil }

    /// Decodes `results.jsonl` (missing: no trials). Non-finite numbers may be written as the
    /// strings `"nan"`, `"inf"`, `"-inf"`.
    static func readOutcomes(_ file: URL) throws -> [TrialOutcome] {
        guard FileManager.default.fileExists(atPath: file.path) else { return [] }
        let text = try String(contentsOf: file, encoding: .utf8)
        do {
            return try OutcomeCoding.outcomes(jsonLines: text)
        } catch let error as OutcomeLineError {
            throw RunReportError("\(file.path):\(error.line): unreadable trial outcome: \(error.message)")
        }
    }

    /// The declared columns: from the `results.csv` header (sweep keys between `trial` and
    /// `status`, metric columns between `status` and `evaluator_is_target`) and the `targets.csv`
    /// header (per-identity columns after `identity`), then any other column the outcomes hold,
    /// sorted by name; without those files, from the outcomes alone (sweep keys in trial order).
    static func readColumns(_ url: URL, outcomes: [TrialOutcome]) -> ResultColumns {
        var sweepKeys: [String] = []
        for outcome in outcomes { for cell in outcome.sweep where !sweepKeys.contains(cell.key) { sweepKeys.append(cell.key) } }
        var metricColumns = Set(outcomes.flatMap { $0.values.keys }).sorted()
        var identityColumns = Set(outcomes.flatMap { $0.identities.flatMap { $0.values.keys } }).sorted()
        if let header = firstCSVRecord(url.appendingPathComponent("results.csv")),
           let status = header.firstIndex(of: "status"), let end = header.firstIndex(of: "evaluator_is_target"),
           header.first == "trial", status < end {
            sweepKeys = Array(header[1..<status])
            metricColumns = Array(header[(status + 1)..<end])
        }
        if let header = firstCSVRecord(url.appendingPathComponent("targets.csv")), let identity = header.firstIndex(of: "identity") {
            identityColumns = Array(header[(identity + 1)...])
        }
        // Values the headers do not list (e.g. wall-clock columns kept out of results.csv) follow, sorted.
        for column in Set(outcomes.flatMap { $0.values.keys }).sorted() where !metricColumns.contains(column) {
            metricColumns.append(column)
        }
        for column in Set(outcomes.flatMap { $0.identities.flatMap { $0.values.keys } }).sorted() where !identityColumns.contains(column) {
            identityColumns.append(column)
        }
        return ResultColumns(sweepKeys: sweepKeys, metricColumns: metricColumns, identityColumns: identityColumns, descriptions: [:])
    }

    /// The first record of a CSV file (RFC 4180: quoted fields may hold commas, doubled quotes
    /// and line breaks), or nil when the file is missing or empty.
    static func firstCSVRecord(_ file: URL) -> [String]? {
        guard let text = try? String(contentsOf: file, encoding: .utf8), !text.isEmpty else { return nil }
        return CSVRecords.first(of: text)
    }

    // MARK: run.json accessors

    /// A scalar of run.json (or of a nested object, by path) as text; nil when absent or null.
    public func string(_ path: String...) -> String? {
        var current: JSONValue? = info
        for key in path { current = current?[key] }
        guard let current, current != .null else { return nil }
        return current.text
    }

    /// A nested object of run.json as `(key, text)` pairs sorted by key.
    public func members(_ key: String) -> [(key: String, value: String)] {
        guard case .object(let object)? = info[key] else { return [] }
        return object.sorted { $0.key < $1.key }.map { ($0.key, $0.value.text) }
    }

    /// The spec's `description` (from the resolved spec recorded in run.json).
    public var specDescription: String { string("resolved_spec", "description") ?? "" }

    /// The run name, falling back to the directory name.
    public var name: String { string("name") ?? url.lastPathComponent }

    /// True / false when run.json's data split records whether the data are synthetic, nil when
    /// it does not (e.g. a run killed before it finished).
    public var isSynthetic: Bool? {
        guard let flag = string("data_split", "synthetic") else { return nil }
        return flag.hasPrefix("yes")
    }
}

/// A small RFC 4180 reader (for the headers of the run's CSV files).
enum CSVRecords {
    /// Every record of `text`.
    static func all(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = ""
        var quoted = false, fieldStarted = false
        var characters = text.makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let character = pending { pending = nil; return character }
            return characters.next()
        }
        while let character = next() {
            if quoted {
                if character == "\"" {
                    if let following = next() {
                        if following == "\"" { field.append("\"") } else { quoted = false; pending = following }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where !fieldStarted: quoted = true; fieldStarted = true
            case ",": record.append(field); field = ""; fieldStarted = false
            case "\n", "\r\n":
                record.append(field); records.append(record)
                record = []; field = ""; fieldStarted = false
            case "\r": continue
            default: field.append(character); fieldStarted = true
            }
        }
        if fieldStarted || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }

    /// The first record of `text`.
    static func first(of text: String) -> [String]? {
        all(text).first
    }
}
