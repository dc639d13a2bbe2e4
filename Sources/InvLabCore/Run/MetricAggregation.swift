import Foundation

/// Turns metric values into table columns: per-identity values become their mean (column
/// `name`) and standard deviation (`name_std`, population) over the attacked identities.
public enum MetricAggregation {
    public static func columns(for metrics: [any MetricPlugin], sweepKeys: [String]) -> ResultColumns {
        var all: [String] = [], perIdentity: [String] = [], descriptions: [String: String] = [:]
        var presentation: [String: ColumnPresentation] = [:]
        for metric in metrics {
            for column in metric.columns {
                all.append(column.name)
                descriptions[column.name] = column.description
                presentation[column.name] = column.presentation
                if column.perIdentity {
                    all.append(column.name + "_std")
                    perIdentity.append(column.name)
                    descriptions[column.name + "_std"] = "Standard deviation over attacked identities of \(column.name)."
                    presentation[column.name + "_std"] = ColumnPresentation(plot: .none, judge: column.presentation.judge?.hidden)
                    if column.presentation.interval {
                        for (suffix, bound) in [("_ci_low", "lower"), ("_ci_high", "upper")] {
                            all.append(column.name + suffix)
                            descriptions[column.name + suffix] = "The \(bound) bound of the 95 % Wilson interval of \(column.name) over the attacked identities."
                            presentation[column.name + suffix] = ColumnPresentation(plot: .none, summary: column.presentation.summary)
                        }
                    }
                }
            }
        }
        return ResultColumns(sweepKeys: sweepKeys, metricColumns: all, identityColumns: perIdentity, descriptions: descriptions,
                             presentation: presentation)
    }

    /// Mean and population standard deviation of the values that are not NaN (NaN marks a
    /// missing value; NaN when none). An infinite value (e.g. the PSNR of an exact
    /// reconstruction) makes the mean infinite and the deviation NaN, as arithmetic says.
    /// The 95 % Wilson interval of a rate from its per-identity values (NaN ones left out).
    public static func interval(_ values: [Double]) -> (lower: Double, upper: Double) {
        let finite = values.filter { !$0.isNaN }
        guard !finite.isEmpty else { return (.nan, .nan) }
        return WilsonInterval.bounds(rate: finite.reduce(0, +) / Double(finite.count), trials: finite.count)
    }

    public static func meanAndStd(_ values: [Double]) -> (Double, Double) {
        let finite = values.filter { !$0.isNaN }
        guard !finite.isEmpty else { return (.nan, .nan) }
        let mean = finite.reduce(0, +) / Double(finite.count)
        let variance = finite.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(finite.count)
        return (mean, variance.squareRoot())
    }
}
