import Foundation
import InvLabSpec

/// Two runs side by side (`invlab compare RUN_A RUN_B`).
public enum RunComparison {
    /// One row per combination of sweep values found in either run (A's trial order, then B's
    /// unmatched trials); columns: the sweep keys of both runs, the trial numbers in A and B,
    /// then for every metric column of either run (A's order, then B's; `_std` columns left out)
    /// its value in A, in B, and the difference B - A. Missing values are empty. Trials are
    /// matched when every sweep key has the same value text (a key a run does not sweep counts
    /// as empty).
    ///
    /// `metrics` chooses the metric columns (in that order); nil means every one. For a metric
    /// with a 95 % interval in both runs, a `<metric>_differs` column says `yes` when the two
    /// intervals do not overlap (a difference larger than the sampling error), `no` otherwise.
    ///
    /// A run with `seeds:` is compared by its pooled rows (`results_pooled.csv`: one per sweep
    /// point, `trial_*` numbering the points): the mean over the seeds, and as its interval the
    /// 95 % t-interval of that mean over the seeds, which includes what changes between seeds.
    public static func table(_ a: URL, _ b: URL, metrics chosen: [String]? = nil) throws -> TextTable {
        let (runA, runB) = (try shown(RunFiles(url: a)), try shown(RunFiles(url: b)))
        var keys = runA.columns.sweepKeys
        for key in runB.columns.sweepKeys where !keys.contains(key) { keys.append(key) }
        var metrics = runA.columns.metricColumns.filter { isCompared($0, runA.columns) }
        for metric in runB.columns.metricColumns where isCompared(metric, runB.columns) && !metrics.contains(metric) {
            metrics.append(metric)
        }
        if let chosen { metrics = chosen }
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
        let withInterval = Set(metrics.filter { metric in
            (runA.outcomes + runB.outcomes).contains { $0.values[metric + "_ci_low"] != nil }
        })
        var columns = keys + ["trial_a", "trial_b"]
        for metric in metrics {
            columns += [metric + "_a", metric + "_b", metric + "_diff"] + (withInterval.contains(metric) ? [metric + "_differs"] : [])
        }
        let body = rows.map { row -> [String] in
            var cells = row.signature + [row.a.map { String($0.index) } ?? "", row.b.map { String($0.index) } ?? ""]
            for metric in metrics {
                let (valueA, valueB) = (row.a?.values[metric], row.b?.values[metric])
                cells.append(valueA.map(formatNumber) ?? "")
                cells.append(valueB.map(formatNumber) ?? "")
                if let valueA, let valueB, valueA.isFinite, valueB.isFinite { cells.append(formatNumber(valueB - valueA)) } else { cells.append("") }
                if withInterval.contains(metric) {
                    if let lowA = row.a?.values[metric + "_ci_low"], let highA = row.a?.values[metric + "_ci_high"],
                       let lowB = row.b?.values[metric + "_ci_low"], let highB = row.b?.values[metric + "_ci_high"],
                       [lowA, highA, lowB, highB].allSatisfy(\.isFinite) {
                        cells.append(highA < lowB || highB < lowA ? "yes" : "no")
                    } else {
                        cells.append("")
                    }
                }
            }
            return cells
        }
        return TextTable(columns: columns, rows: body)
    }

    /// The columns `invlab compare` shows when no `--metrics` are given: those the terminal
    /// summary shows (their metrics declare it), A's order then B's.
    public static func summaryColumns(_ a: URL, _ b: URL) throws -> [String] {
        var columns: [String] = []
        for run in [try shown(RunFiles(url: a)), try shown(RunFiles(url: b))] {
            for column in run.columns.metricColumns
            where isCompared(column, run.columns) && run.columns.presentation(of: column).summary && !columns.contains(column) {
                columns.append(column)
            }
        }
        return columns
    }

    /// Every metric column either run can be compared by (pooled columns for a run with seeds).
    public static func knownColumns(_ a: URL, _ b: URL) throws -> Set<String> {
        Set(try shown(RunFiles(url: a)).columns.metricColumns + shown(RunFiles(url: b)).columns.metricColumns)
    }

    /// A run's rows as they are compared: pooled over seeds when the run has `seeds:`.
    static func shown(_ run: RunFiles) -> (outcomes: [TrialOutcome], columns: ResultColumns, info: JSONValue, pooled: Bool) {
        let view = SeedPooling.view(run.outcomes, columns: run.columns)
        return (view.outcomes, view.columns, run.info, run.columns.seedKey != nil)
    }

    /// A column compared on its own: not an identity deviation, an interval bound or a pooled
    /// row's deviation over seeds (they go into `_differs`).
    static func isCompared(_ column: String, _ columns: ResultColumns) -> Bool {
        !ReportTables.isStd(column, columns) && !ReportTables.isInterval(column, columns)
            && !["_seed_std", "_wilson_ci_low", "_wilson_ci_high"].contains { column.hasSuffix($0) }
    }

    /// What a reader must know before reading the table: how the two specs differ (key paths
    /// of the resolved specs with different values), whether the sweeps match, and which run is
    /// compared by rows pooled over seeds.
    public static func notes(_ a: URL, _ b: URL) throws -> [String] {
        let (runA, runB) = (try shown(RunFiles(url: a)), try shown(RunFiles(url: b)))
        var notes: [String] = []
        for (label, run) in [("A", runA), ("B", runB)] where run.pooled {
            notes.append("\(label) has seeds: its rows are sweep points pooled over the seeds (results_pooled.csv); the mean over the seeds, with the 95 % t-interval over the seeds as its interval")
        }
        let specA = flatten(runA.info["resolved_spec"] ?? .null), specB = flatten(runB.info["resolved_spec"] ?? .null)
        let paths = Set(specA.keys).union(specB.keys).filter { $0 != "name" && $0 != "description" }.sorted()
        let differing = paths.filter { specA[$0] != specB[$0] }
        if differing.isEmpty {
            notes.append("specs: the same resolved spec (apart from name and description)")
        } else {
            notes.append("specs differ at \(differing.count) key\(differing.count == 1 ? "" : "s"):")
            for path in differing.prefix(20) { notes.append("  \(path): A \(specA[path] ?? "(absent)"), B \(specB[path] ?? "(absent)")") }
            if differing.count > 20 { notes.append("  ... and \(differing.count - 20) more") }
        }
        let keysA = runA.columns.sweepKeys, keysB = runB.columns.sweepKeys
        if keysA != keysB {
            notes.append("sweeps do not match: A sweeps \(keysA.isEmpty ? "nothing" : keysA.joined(separator: ", ")), B sweeps \(keysB.isEmpty ? "nothing" : keysB.joined(separator: ", ")); rows pair trials with equal values of every key")
        } else {
            let signature = { (outcome: TrialOutcome) in keysA.map { key in outcome.sweep.first { $0.key == key }?.text ?? "" } }
            let onlyA = Set(runA.outcomes.map(signature)).subtracting(runB.outcomes.map(signature)).count
            let onlyB = Set(runB.outcomes.map(signature)).subtracting(runA.outcomes.map(signature)).count
            if onlyA + onlyB > 0 { notes.append("sweeps do not match: \(onlyA) trial\(onlyA == 1 ? "" : "s") only in A, \(onlyB) only in B") }
        }
        return notes
    }

    /// Leaf values of a JSON tree by dotted key path (list items as `[i]`), as compact text.
    static func flatten(_ value: JSONValue, prefix: String = "") -> [String: String] {
        switch value {
        case .object(let members):
            var out: [String: String] = [:]
            for (key, child) in members { out.merge(flatten(child, prefix: prefix.isEmpty ? key : prefix + "." + key)) { a, _ in a } }
            return out
        case .array(let items):
            var out: [String: String] = [:]
            for (index, child) in items.enumerated() { out.merge(flatten(child, prefix: prefix + "[\(index)]")) { a, _ in a } }
            if items.isEmpty { out[prefix] = "[]" }
            return out
        default:
            return [prefix: value.sortedJSON]
        }
    }
}
