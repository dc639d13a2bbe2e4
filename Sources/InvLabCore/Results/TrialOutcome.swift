import Foundation

/// JSON coding of trial outcomes: NaN (a missing value) and infinities (e.g. the PSNR of an
/// exact reconstruction) are written as the strings "nan", "inf" and "-inf".
public enum OutcomeCoding {
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// The outcomes of a `results.jsonl` text: the one reader of that file (resume, report,
    /// compare, verify). A trial recorded on several lines (a failed attempt, then its rerun)
    /// counts with its last line; outcomes come sorted by trial index, with the run's judge
    /// consensus applied (`JudgeConsensus`). Throws `OutcomeLineError` naming the bad line.
    public static func outcomes(jsonLines text: String) throws -> [TrialOutcome] {
        let decoder = self.decoder
        var latest: [Int: TrialOutcome] = [:]
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            do {
                let outcome = try decoder.decode(TrialOutcome.self, from: Data(line.utf8))
                latest[outcome.index] = outcome
            } catch {
                throw OutcomeLineError(line: number + 1, message: "\(error)")
            }
        }
        return JudgeConsensus.apply(latest.values.sorted { $0.index < $1.index })
    }
}

/// A line of `results.jsonl` that is not a trial outcome.
public struct OutcomeLineError: Error, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): unreadable trial outcome: \(message)" }
}

/// One swept key's value in a trial (`defense.lambda = 0.25`).
public struct SweepCell: Codable, Sendable, Equatable {
    public var key: String
    /// The value as written in YAML (flow style).
    public var text: String
    /// The value as a number, when it is one (for plots).
    public var number: Double?

    public init(key: String, text: String, number: Double?) {
        self.key = key
        self.text = text
        self.number = number
    }
}

/// One attacked identity's per-identity metric values in a trial.
public struct IdentityRow: Codable, Sendable, Equatable {
    public var classIndex: Int
    public var name: String
    public var values: [String: Double]

    public init(classIndex: Int, name: String, values: [String: Double]) {
        self.classIndex = classIndex
        self.name = name
        self.values = values
    }
}

/// What a trial produced: its sweep values, status, metric values and timings. Serialised one
/// per line in `results.jsonl`, the run's source of truth (tables are rebuilt from it).
public struct TrialOutcome: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case completed, failed }

    public var index: Int
    public var sweep: [SweepCell]
    public var status: Status
    /// For a failed trial: the stage and the message.
    public var error: String?
    /// Trial-level values by column (per-identity metrics appear as their mean and `<name>_std`).
    public var values: [String: Double]
    public var identities: [IdentityRow]
    /// Seconds per stage (`data`, `target`, `evaluator`, `defense`, `attack`, `metrics`).
    public var timings: [String: Double]
    public var evaluatorIsTarget: Bool
    /// What the user should know about the trial (e.g. an attack that made no progress); nil
    /// when there is nothing (and then absent from results.jsonl).
    public var warnings: [String]?

    public init(index: Int, sweep: [SweepCell], status: Status, error: String?, values: [String: Double],
                identities: [IdentityRow], timings: [String: Double], evaluatorIsTarget: Bool) {
        self.index = index
        self.sweep = sweep
        self.status = status
        self.error = error
        self.values = values
        self.identities = identities
        self.timings = timings
        self.evaluatorIsTarget = evaluatorIsTarget
    }
}

/// The declared columns of a run's tables, in their fixed order.
public struct ResultColumns: Codable, Sendable, Equatable {
    /// Swept key paths, in sweep order.
    public var sweepKeys: [String]
    /// Metric value columns, in metric order (per-identity metrics followed by `_std`).
    public var metricColumns: [String]
    /// Per-identity metric columns (for `targets.csv`).
    public var identityColumns: [String]
    /// One-line descriptions by column name.
    public var descriptions: [String: String]
    /// How each metric column is plotted and summarised (declared by its metric); a column
    /// without an entry is plotted alone and left out of summaries.
    public var presentation: [String: ColumnPresentation]
    /// The sweep key holding each row's seed when the spec repeats its trials over `seeds:`
    /// (`results_pooled.csv` then pools the rows that differ only in it); nil without `seeds:`.
    public var seedKey: String? = nil

    public init(sweepKeys: [String], metricColumns: [String], identityColumns: [String], descriptions: [String: String],
                presentation: [String: ColumnPresentation] = [:]) {
        self.sweepKeys = sweepKeys
        self.metricColumns = metricColumns
        self.identityColumns = identityColumns
        self.descriptions = descriptions
        self.presentation = presentation
    }

    /// The presentation of a column (`.plain` when none was declared).
    public func presentation(of column: String) -> ColumnPresentation { presentation[column] ?? .plain }

    /// Every column of `results.csv`, in order. Wall-clock measurements are not among them
    /// (see `isTiming`): they go to `timings.csv`, so that the same spec, seed and thread count
    /// give byte-identical result tables.
    public var all: [String] {
        ["trial"] + sweepKeys + ["status"] + metricColumns.filter { !ResultColumns.isTiming($0) } + ["evaluator_is_target", "error"]
    }

    /// Metric columns that measure wall-clock time (their names end in `_seconds`).
    public var timingColumns: [String] { metricColumns.filter(ResultColumns.isTiming) }

    /// True for a wall-clock column: a name ending in `_seconds` (or `_seconds_std`).
    public static func isTiming(_ column: String) -> Bool {
        column.hasSuffix("_seconds") || column.hasSuffix("_seconds_std")
    }
}
