import Foundation

/// Two runs side by side (`invlab compare RUN_A RUN_B`).
public enum RunComparison {
    /// One row per combination of sweep values found in either run (A's trial order, then B's
    /// unmatched trials); columns: the sweep keys of both runs, the trial numbers in A and B,
    /// then for every metric column of either run (A's order, then B's; `_std` columns left out)
    /// its value in A, in B, and the difference B - A. Missing values are empty. Trials are
    /// matched when every sweep key has the same value text (a key a run does not sweep counts
    /// as empty).
    public static func table(_ a: URL, _ b: URL) throws -> TextTable {
        let (runA, runB) = (try RunFiles(url: a), try RunFiles(url: b))
        var keys = runA.columns.sweepKeys
        for key in runB.columns.sweepKeys where !keys.contains(key) { keys.append(key) }
        var metrics = runA.columns.metricColumns.filter { !ReportTables.isStd($0, runA.columns) }
        for metric in runB.columns.metricColumns where !ReportTables.isStd(metric, runB.columns) && !metrics.contains(metric) {
            metrics.append(metric)
        }
        func signature(_ outcome: TrialOutcome) -> [String] {
            keys.map { key in outcome.sweep.first { $0.key == key }?.text ?? "" }
        }
        var rows: [(signature: [String], a: TrialOutcome?, b: TrialOutcome?)] = []
        for outcome in runA.outcomes where !rows.contains(where: { $0.signature == signature(outcome) }) {
            rows.append((signature(outcome), outcome, nil))
        }
        for outcome in runB.outcomes {
            if let index = rows.firstIndex(where: { $0.signature == signature(outcome) && $0.b == nil }) {
                rows[index].b = outcome
            } else if !rows.contains(where: { $0.signature == signature(outcome) }) {
                rows.append((signature(outcome), nil, outcome))
            }
        }
        var columns = keys + ["trial_a", "trial_b"]
        for metric in metrics { columns += [metric + "_a", metric + "_b", metric + "_diff"] }
        let body = rows.map { row -> [String] in
            var cells = row.signature + [row.a.map { String($0.index) } ?? "", row.b.map { String($0.index) } ?? ""]
            for metric in metrics {
                let (valueA, valueB) = (row.a?.values[metric], row.b?.values[metric])
                cells.append(valueA.map(formatNumber) ?? "")
                cells.append(valueB.map(formatNumber) ?? "")
                if let valueA, let valueB, valueA.isFinite, valueB.isFinite { cells.append(formatNumber(valueB - valueA)) } else { cells.append("") }
            }
            return cells
        }
        return TextTable(columns: columns, rows: body)
    }
}
