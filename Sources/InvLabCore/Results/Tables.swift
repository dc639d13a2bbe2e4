import Foundation

/// Formats numbers for tables: integers without a decimal point, others with up to 6
/// significant digits, NaN as empty (a missing value for pandas and spreadsheets).
public func formatNumber(_ value: Double) -> String {
    if value.isNaN { return "" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
    var text = String(format: "%.6g", value)
    if text.contains("e") { return text }
    if text.contains(".") {
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
    }
    return text
}

/// RFC 4180 quoting: fields containing a comma, quote, CR or LF are quoted, quotes doubled.
public func csvField(_ text: String) -> String {
    if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || text.hasPrefix(" ") || text.hasSuffix(" ") {
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return text
}

/// A rectangular table of text cells with named columns.
public struct TextTable: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[String]]

    public init(columns: [String], rows: [[String]]) {
        self.columns = columns
        self.rows = rows
    }

    /// CSV with a header line, `\n` line ends.
    public var csv: String {
        ([columns] + rows).map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// A GitHub-flavoured Markdown table (pipes escaped).
    public var markdown: String {
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        var lines = ["| " + columns.map(cell).joined(separator: " | ") + " |",
                     "|" + columns.map { _ in "---" }.joined(separator: "|") + "|"]
        lines += rows.map { "| " + $0.map(cell).joined(separator: " | ") + " |" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Aligned plain text for terminals.
    public var aligned: String {
        let widths = columns.indices.map { index in ([columns[index]] + rows.map { $0[index] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
        return ([line(columns), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}

/// The run's tables, built from its trial outcomes.
public enum ResultTables {
    /// One row per trial: `results.csv` / `results.md`.
    public static func trials(_ outcomes: [TrialOutcome], columns: ResultColumns) -> TextTable {
        let rows = outcomes.sorted { $0.index < $1.index }.map { outcome -> [String] in
            var row = [String(outcome.index)]
            row += columns.sweepKeys.map { key in outcome.sweep.first { $0.key == key }?.text ?? "" }
            row.append(outcome.status.rawValue)
            row += columns.metricColumns.map { outcome.values[$0].map(formatNumber) ?? "" }
            row.append(outcome.evaluatorIsTarget ? "yes" : "no")
            row.append(formatNumber(outcome.timings.values.reduce(0, +)))
            row.append(outcome.error ?? "")
            return row
        }
        return TextTable(columns: columns.all, rows: rows)
    }

    /// One row per trial and attacked identity: `targets.csv`.
    public static func identities(_ outcomes: [TrialOutcome], columns: ResultColumns) -> TextTable {
        var rows: [[String]] = []
        for outcome in outcomes.sorted(by: { $0.index < $1.index }) {
            for identity in outcome.identities {
                var row = [String(outcome.index)]
                row += columns.sweepKeys.map { key in outcome.sweep.first { $0.key == key }?.text ?? "" }
                row += [String(identity.classIndex), identity.name]
                row += columns.identityColumns.map { identity.values[$0].map(formatNumber) ?? "" }
                rows.append(row)
            }
        }
        return TextTable(columns: ["trial"] + columns.sweepKeys + ["class", "identity"] + columns.identityColumns, rows: rows)
    }
}
