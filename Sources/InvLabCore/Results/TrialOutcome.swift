import Foundation

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

    public init(sweepKeys: [String], metricColumns: [String], identityColumns: [String], descriptions: [String: String]) {
        self.sweepKeys = sweepKeys
        self.metricColumns = metricColumns
        self.identityColumns = identityColumns
        self.descriptions = descriptions
    }

    /// Every column of `results.csv`, in order.
    public var all: [String] {
        ["trial"] + sweepKeys + ["status"] + metricColumns + ["evaluator_is_target", "seconds", "error"]
    }
}
