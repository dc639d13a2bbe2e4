import Foundation

/// Published figures of an experiment, kept beside its spec as `<spec>.expected.csv`:
///
/// ```
/// # command: invlab run Experiments/quickstart.yaml
/// # measured: 2026-11-29, 6 min 10 s on 2 cores
/// trial,metric,expected,tolerance
/// 0,attack_top1,0.825,0.1
/// ```
/// `invlab verify` reruns the spec and checks every row: |actual - expected| <= tolerance.
public struct ExpectedResults: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var trial: Int
        public var metric: String
        public var expected: Double
        public var tolerance: Double
    }

    public var rows: [Row]
    /// The `# key: value` comment lines (command, measured duration, notes).
    public var notes: [String]

    /// The expected-results file of a spec: `name.yaml` -> `name.expected.csv`.
    public static func file(forSpec spec: URL) -> URL {
        spec.deletingPathExtension().appendingPathExtension("expected.csv")
    }

    /// Parses the file's text; errors name the line.
    public init(text: String, path: String) throws {
        rows = []
        notes = []
        var sawHeader = false
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("#") { notes.append(String(line.dropFirst()).trimmingCharacters(in: .whitespaces)); continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if !sawHeader {
                guard fields == ["trial", "metric", "expected", "tolerance"] else {
                    throw DataError("\(path):\(offset + 1): expected the header 'trial,metric,expected,tolerance'")
                }
                sawHeader = true
                continue
            }
            guard fields.count == 4, let trial = Int(fields[0]), let expected = Double(fields[2]), let tolerance = Double(fields[3]),
                  tolerance >= 0, !fields[1].isEmpty else {
                throw DataError("\(path):\(offset + 1): expected 'trial,metric,expected,tolerance' with an integer trial, numbers and a tolerance >= 0")
            }
            rows.append(Row(trial: trial, metric: fields[1], expected: expected, tolerance: tolerance))
        }
        guard sawHeader else { throw DataError("\(path): no 'trial,metric,expected,tolerance' header") }
    }

    /// Compares a run's outcomes with the expected rows.
    public func check(_ outcomes: [TrialOutcome]) -> (table: TextTable, passed: Bool) {
        var passed = true
        let rows = self.rows.map { row -> [String] in
            let outcome = outcomes.first { $0.index == row.trial }
            let actual = outcome?.values[row.metric]
            let ok: Bool
            if let actual, actual.isFinite || row.expected.isInfinite {
                ok = actual == row.expected || abs(actual - row.expected) <= row.tolerance
            } else {
                ok = false
            }
            passed = passed && ok
            return [String(row.trial), row.metric, formatNumber(row.expected), actual.map(formatNumber) ?? "missing",
                    formatNumber(row.tolerance), ok ? "ok" : "MISMATCH"]
        }
        return (TextTable(columns: ["trial", "metric", "expected", "actual", "tolerance", "verdict"], rows: rows), passed)
    }
}
