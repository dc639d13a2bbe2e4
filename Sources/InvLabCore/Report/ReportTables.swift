import Foundation

/// Tables of the report and of comparisons, built from trial outcomes.
public enum ReportTables {
    /// One row per trial for reading: per-identity metrics as `mean ± std` in one cell, numbers
    /// with four significant digits (the CSV files keep full precision).
    /// `excluding` drops metric columns shown elsewhere (the report's per-judge columns).
    public static func summary(_ outcomes: [TrialOutcome], columns: ResultColumns, excluding: (String) -> Bool = { _ in false }) -> TextTable {
        let metrics = columns.metricColumns.filter { !isStd($0, columns) && !isInterval($0, columns) && !excluding($0) }
        let rows = outcomes.sorted { $0.index < $1.index }.map { outcome -> [String] in
            var row = [String(outcome.index)]
            row += columns.sweepKeys.map { key in outcome.sweep.first { $0.key == key }?.text ?? "" }
            row.append(outcome.status.rawValue)
            for metric in metrics {
                guard let value = outcome.values[metric] else { row.append(""); continue }
                var cell = HTML.number(value)
                if let low = outcome.values[metric + "_ci_low"], let high = outcome.values[metric + "_ci_high"], low.isFinite, high.isFinite {
                    cell += " [" + HTML.number(low) + ", " + HTML.number(high) + "]"
                } else if let std = outcome.values[metric + "_std"], std.isFinite, value.isFinite {
                    cell += " ± " + HTML.number(std)
                }
                row.append(cell)
            }
            row.append(outcome.evaluatorIsTarget ? "yes" : "no")
            // Summed in key order: a dictionary's order differs between processes.
            row.append(HTML.number(outcome.timings.sorted { $0.key < $1.key }.reduce(0) { $0 + $1.value }))
            row.append(outcome.error ?? "")
            return row
        }
        return TextTable(columns: ["trial"] + columns.sweepKeys + ["status"] + metrics + ["evaluator_is_target", "seconds", "error"], rows: rows)
    }

    /// `name_ci_low` / `name_ci_high` where `name` is also a column (shown in its cell).
    static func isInterval(_ column: String, _ columns: ResultColumns) -> Bool {
        for suffix in ["_ci_low", "_ci_high"] where column.hasSuffix(suffix) {
            if columns.metricColumns.contains(String(column.dropLast(suffix.count))) { return true }
        }
        return false
    }

    /// `name_std` where `name` is also a column.
    static func isStd(_ column: String, _ columns: ResultColumns) -> Bool {
        column.hasSuffix("_std") && columns.metricColumns.contains(String(column.dropLast(4)))
    }
}
