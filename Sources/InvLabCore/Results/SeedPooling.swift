import Foundation

/// Pools the rows of a run with `seeds:` (one trial per sweep point and seed) into one row per
/// sweep point: `results_pooled.csv` / `results_pooled.md`, which the terminal summary, the
/// report's results table and the plots show instead of the per-seed rows.
///
/// For every metric column `m` of `results.csv` (its derived `m_std`, `m_ci_low` and
/// `m_ci_high` columns and wall-clock columns aside) a pooled row holds:
/// - `m`: the mean over the seeds (seeds whose trial completed and measured `m`);
/// - `m_seed_std`: the sample standard deviation (n − 1) over those seeds;
/// - `m_ci_low`, `m_ci_high`: the 95 % t-interval of that mean, mean ± t(0.975, n − 1) · std / √n
///   (empty for one seed; a rate's bounds are clipped to [0, 1]). With seeds, this is the
///   interval a rate gets under its usual name: it includes the variation between seeds (data
///   split, training, attack starts), which the per-trial Wilson interval does not;
/// - for a rate (a column with a Wilson interval in `results.csv`) also `m_wilson_ci_low`,
///   `m_wilson_ci_high`: the 95 % Wilson interval over the attacked identities of all the
///   point's seeds together (identities × seeds outcomes).
/// The column `seeds` counts the seeds pooled; `status` is `completed` when at least one seed
/// completed, and `error` lists the failed seeds' errors.
public enum SeedPooling {
    /// The column counting the seeds pooled into a row.
    public static let countColumn = "seeds"

    /// The pooled outcomes (one per sweep point, `index` numbering the points from 0 in trial
    /// order) and their columns; nil when the run has no `seeds:` (`columns.seedKey` is nil).
    public static func pool(_ outcomes: [TrialOutcome], columns: ResultColumns) -> (outcomes: [TrialOutcome], columns: ResultColumns)? {
        guard let seedKey = columns.seedKey else { return nil }
        let base = baseColumns(columns)
        let rates = Set(base.filter { columns.metricColumns.contains($0 + "_ci_low") && columns.metricColumns.contains($0 + "_ci_high") })
        var metricColumns = [countColumn], descriptions: [String: String] = [:], presentation: [String: ColumnPresentation] = [:]
        descriptions[countColumn] = "Number of seeds pooled into the row (seeds whose trial completed)."
        presentation[countColumn] = ColumnPresentation(plot: .none, summary: true)
        for column in base {
            let shown = columns.presentation(of: column)
            metricColumns += [column, column + "_seed_std", column + "_ci_low", column + "_ci_high"]
            descriptions[column] = [columns.descriptions[column], "Mean over the seeds."].compactMap { $0 }.joined(separator: " ")
            descriptions[column + "_seed_std"] = "Sample standard deviation (n - 1) of \(column) over the seeds."
            for (suffix, bound) in [("_ci_low", "lower"), ("_ci_high", "upper")] {
                descriptions[column + suffix] = "The \(bound) bound of the 95 % t-interval of the mean of \(column) over the seeds"
                    + (rates.contains(column) ? " (clipped to [0, 1])." : ".")
                // The terminal shows the intervals of rates (as without seeds), not of every column.
                presentation[column + suffix] = ColumnPresentation(plot: .none, summary: shown.summary && rates.contains(column))
            }
            presentation[column] = shown
            presentation[column + "_seed_std"] = .tableOnly
            if rates.contains(column) {
                metricColumns += [column + "_wilson_ci_low", column + "_wilson_ci_high"]
                for (suffix, bound) in [("_wilson_ci_low", "lower"), ("_wilson_ci_high", "upper")] {
                    descriptions[column + suffix] = "The \(bound) bound of the 95 % Wilson interval of \(column) over the attacked identities of all seeds together."
                    presentation[column + suffix] = .tableOnly
                }
            }
        }
        let pooledColumns = ResultColumns(sweepKeys: columns.sweepKeys.filter { $0 != seedKey }, metricColumns: metricColumns,
                                          identityColumns: [], descriptions: descriptions, presentation: presentation)
        // Group by the other sweep values, points in the order of their first trial.
        var groups: [(key: [String], trials: [TrialOutcome])] = []
        for outcome in outcomes.sorted(by: { $0.index < $1.index }) {
            let key = pooledColumns.sweepKeys.map { key in outcome.sweep.first { $0.key == key }?.text ?? "" }
            if let position = groups.firstIndex(where: { $0.key == key }) { groups[position].trials.append(outcome) } else { groups.append((key, [outcome])) }
        }
        let pooled = groups.enumerated().map { point, group -> TrialOutcome in
            let completed = group.trials.filter { $0.status == .completed }
            var values: [String: Double] = [countColumn: Double(completed.count)]
            for column in base {
                let stats = meanStdInterval(completed.compactMap { $0.values[column] }, clipToUnit: rates.contains(column))
                values[column] = stats.mean
                values[column + "_seed_std"] = stats.std
                values[column + "_ci_low"] = stats.low
                values[column + "_ci_high"] = stats.high
                if rates.contains(column) {
                    let wilson = MetricAggregation.interval(completed.flatMap { $0.identities.compactMap { $0.values[column] } })
                    values[column + "_wilson_ci_low"] = wilson.lower
                    values[column + "_wilson_ci_high"] = wilson.upper
                }
            }
            let errors = group.trials.filter { $0.status == .failed }.map { trial in
                "\(seedKey) \(trial.sweep.first { $0.key == seedKey }?.text ?? "?"): \(trial.error ?? "failed")"
            }
            var timings: [String: Double] = [:]
            for trial in group.trials { for (stage, seconds) in trial.timings { timings[stage, default: 0] += seconds } }
            return TrialOutcome(index: point, sweep: group.trials[0].sweep.filter { $0.key != seedKey },
                                status: completed.isEmpty ? .failed : .completed, error: errors.isEmpty ? nil : errors.joined(separator: "; "),
                                values: values, identities: [], timings: timings, evaluatorIsTarget: group.trials.contains(where: \.evaluatorIsTarget))
        }
        return (pooled, pooledColumns)
    }

    /// What a run is shown by: its pooled rows with `seeds:`, else its trials as they are.
    public static func view(_ outcomes: [TrialOutcome], columns: ResultColumns) -> (outcomes: [TrialOutcome], columns: ResultColumns) {
        pool(outcomes, columns: columns) ?? (outcomes, columns)
    }

    /// The columns of `results.csv` that are pooled: metric columns other than a column's
    /// identity deviation (`m_std`), its Wilson bounds and wall-clock measurements.
    static func baseColumns(_ columns: ResultColumns) -> [String] {
        columns.metricColumns.filter { column in
            !ResultColumns.isTiming(column) && !(column.hasSuffix("_std") && columns.identityColumns.contains(String(column.dropLast(4))))
                && !ReportTables.isInterval(column, columns)
        }
    }

    /// Mean, sample standard deviation and 95 % t-interval of the mean of the values that are
    /// not NaN (NaN when there are none; deviation and interval NaN for a single value).
    public static func meanStdInterval(_ values: [Double], clipToUnit: Bool = false) -> (mean: Double, std: Double, low: Double, high: Double) {
        let finite = values.filter { !$0.isNaN }
        guard !finite.isEmpty else { return (.nan, .nan, .nan, .nan) }
        let n = Double(finite.count)
        let mean = finite.reduce(0, +) / n
        guard finite.count > 1 else { return (mean, .nan, .nan, .nan) }
        let std = (finite.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot()
        guard std.isFinite, mean.isFinite else { return (mean, std, .nan, .nan) }
        let half = tQuantile975(degreesOfFreedom: finite.count - 1) * std / n.squareRoot()
        var (low, high) = (mean - half, mean + half)
        if clipToUnit { (low, high) = (max(0, low), min(1, high)) }
        return (mean, std, low, high)
    }

    /// The 0.975 quantile of Student's t distribution (two-sided 95 %): tabulated to 30 degrees
    /// of freedom, then the Cornish–Fisher expansion around the normal quantile (error below 1e-7).
    public static func tQuantile975(degreesOfFreedom df: Int) -> Double {
        let table = [12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836, 2.446911851, 2.364624252, 2.306004135,
                     2.262157163, 2.228138852, 2.200985160, 2.178812830, 2.160368656, 2.144786688, 2.131449546, 2.119905299,
                     2.109815578, 2.100922040, 2.093024054, 2.085963447, 2.079613845, 2.073873068, 2.068657610, 2.063898562,
                     2.059538553, 2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456]
        guard df >= 1 else { return .nan }
        if df <= table.count { return table[df - 1] }
        let z = 1.959963984540054, d = Double(df)
        let g1 = (pow(z, 3) + z) / 4
        let g2 = (5 * pow(z, 5) + 16 * pow(z, 3) + 3 * z) / 96
        let g3 = (3 * pow(z, 7) + 19 * pow(z, 5) + 17 * pow(z, 3) - 15 * z) / 384
        let g4 = (79 * pow(z, 9) + 776 * pow(z, 7) + 1482 * pow(z, 5) - 1920 * pow(z, 3) - 945 * z) / 92160
        return z + g1 / d + g2 / (d * d) + g3 / (d * d * d) + g4 / (d * d * d * d)
    }
}
