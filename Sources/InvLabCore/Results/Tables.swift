import Foundation

/// Formats numbers for tables: integers without a decimal point, others with up to 6
/// significant digits, NaN as empty (a missing value for pandas and spreadsheets).
public func formatNumber(_ value: Double) -> String {
    formatNumber(value, significantDigits: 6)
}

/// `formatNumber` with `significantDigits` instead of 6 (reports show 4).
public func formatNumber(_ value: Double, significantDigits: Int) -> String {
    if value.isNaN { return "" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
    var text = String(format: "%.\(significantDigits)g", value)
    if text.contains("e") { return text }
    if text.contains(".") {
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
    }
    return text
}

/// RFC 4180 quoting: fields containing a comma, quote, CR or LF are quoted, quotes doubled.
public func csvField(_ text: String) -> String {
    // Scalars, not Characters: "\r\n" is one Character and would escape a Character test.
    if text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || text.hasPrefix(" ") || text.hasSuffix(" ") {
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

    /// Text as one Markdown table cell: pipes escaped, line breaks as spaces.
    public static func markdownCell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    /// A GitHub-flavoured Markdown table (pipes escaped).
    public var markdown: String {
        let cell = Self.markdownCell
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
            row += columns.metricColumns.filter { !ResultColumns.isTiming($0) }.map { outcome.values[$0].map(formatNumber) ?? "" }
            row.append(outcome.evaluatorIsTarget ? "yes" : "no")
            row.append(outcome.error ?? "")
            return row
        }
        return TextTable(columns: columns.all, rows: rows)
    }

    /// One row per sweep point of a run with `seeds:` (`results_pooled.csv` / `.md`): the
    /// pooled outcomes of `SeedPooling.pool` laid out as `trials` lays out trials, the first
    /// column named `point`.
    public static func pooled(_ pooled: [TrialOutcome], columns: ResultColumns) -> TextTable {
        var table = trials(pooled, columns: columns)
        table.columns[0] = "point"
        return table
    }

    /// The table a run is summarised by (terminal, report): the pooled table with `seeds:`,
    /// else the trials table; with the columns that describe it.
    public static func summary(_ outcomes: [TrialOutcome], columns: ResultColumns) -> (table: TextTable, columns: ResultColumns) {
        guard let pooled = SeedPooling.pool(outcomes, columns: columns) else { return (trials(outcomes, columns: columns), columns) }
        return (self.pooled(pooled.outcomes, columns: pooled.columns), pooled.columns)
    }

    /// Wall-clock seconds per trial: every stage, the total and the timing metric columns
    /// (`timings.csv`; not byte-reproducible, unlike the result tables).
    public static func timings(_ outcomes: [TrialOutcome], columns: ResultColumns) -> TextTable {
        let stages = Array(Set(outcomes.flatMap { $0.timings.keys })).sorted()
        let rows = outcomes.sorted { $0.index < $1.index }.map { outcome -> [String] in
            [String(outcome.index)] + columns.sweepKeys.map { key in outcome.sweep.first { $0.key == key }?.text ?? "" }
                + stages.map { outcome.timings[$0].map(formatNumber) ?? "" }
                + [formatNumber(outcome.timings.sorted { $0.key < $1.key }.reduce(0) { $0 + $1.value })]
                + columns.timingColumns.map { outcome.values[$0].map(formatNumber) ?? "" }
        }
        return TextTable(columns: ["trial"] + columns.sweepKeys + stages.map { "stage_\($0)_seconds" } + ["total_seconds"] + columns.timingColumns,
                         rows: rows)
    }

    /// One row per trial and attacked identity: `targets.csv`.
    public static func identities(_ outcomes: [TrialOutcome], columns: ResultColumns) -> TextTable {
        var rows: [[String]] = []
        for outcome in outcomes.sorted(by: { $0.index < $1.index }) {
            for identity in outcome.identities {
                var row = [String(outcome.index)]
                row += columns.sweepKeys.map { key in outcome.sweep.first { $0.key == key }?.text ?? "" }
                row += [String(identity.classIndex), identity.name]
                row += identityColumns(columns).map { identity.values[$0].map(formatNumber) ?? "" }
                rows.append(row)
            }
        }
        return TextTable(columns: ["trial"] + columns.sweepKeys + ["class", "identity"] + identityColumns(columns), rows: rows)
    }

    static func identityColumns(_ columns: ResultColumns) -> [String] {
        columns.identityColumns.filter { !ResultColumns.isTiming($0) }
    }
}
