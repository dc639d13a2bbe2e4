import Foundation

/// The value range and tick marks of one chart axis: "nice" steps (1, 2 or 5 times a power of
/// ten) on a linear axis, or decades on a logarithmic one (for sweeps over orders of magnitude,
/// such as learning rates).
struct AxisScale: Equatable {
    var lower: Double
    var upper: Double
    var ticks: [Double]
    var logarithmic: Bool

    /// The fixed [0, 1] axis of rates and accuracies.
    static let unitInterval = AxisScale(lower: 0, upper: 1, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1], logarithmic: false)

    /// A linear axis covering `minimum...maximum` with about `count` ticks. A single value gets
    /// a range around it.
    static func linear(_ minimum: Double, _ maximum: Double, count: Int = 5) -> AxisScale {
        var (low, high) = (minimum, maximum)
        if !(low.isFinite && high.isFinite) { (low, high) = (0, 1) }
        if high - low < 1e-12 * max(1, abs(low)) {
            let pad = low == 0 ? 1 : abs(low) * 0.5
            (low, high) = (low - pad, high + pad)
        }
        let step = niceStep((high - low) / Double(max(count, 1)))
        let first = (low / step).rounded(.down), last = (high / step).rounded(.up)
        let ticks = stride(from: first, through: last, by: 1).map { clean($0 * step, step: step) }
        return AxisScale(lower: clean(first * step, step: step), upper: clean(last * step, step: step), ticks: ticks, logarithmic: false)
    }

    /// A logarithmic axis from the decade below `minimum` to the decade above `maximum`
    /// (both positive).
    static func logarithmic(_ minimum: Double, _ maximum: Double) -> AxisScale {
        let first = log10(minimum).rounded(.down), last = max(log10(maximum).rounded(.up), first + 1)
        let ticks = stride(from: first, through: last, by: 1).map { pow(10, $0) }
        return AxisScale(lower: pow(10, first), upper: pow(10, last), ticks: ticks, logarithmic: true)
    }

    /// The x axis for sweep values: logarithmic when all are positive and span at least two
    /// decades, linear otherwise.
    static func forSweep(_ values: [Double]) -> AxisScale {
        let finite = values.filter(\.isFinite)
        guard let minimum = finite.min(), let maximum = finite.max() else { return linear(0, 1) }
        if minimum > 0, maximum / minimum >= 100 { return logarithmic(minimum, maximum) }
        return linear(minimum, maximum)
    }

    /// Where `value` falls between `start` (at `lower`) and `end` (at `upper`).
    func position(_ value: Double, from start: Double, to end: Double) -> Double {
        let fraction: Double
        if logarithmic {
            fraction = (log10(max(value, lower)) - log10(lower)) / (log10(upper) - log10(lower))
        } else {
            fraction = (value - lower) / (upper - lower)
        }
        return start + fraction * (end - start)
    }

    /// Clamps a value into the axis range.
    func clamp(_ value: Double) -> Double { min(upper, max(lower, value)) }

    /// 1, 2 or 5 times a power of ten, at least `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let power = pow(10, log10(rough).rounded(.down))
        let fraction = rough / power
        let nice: Double = fraction <= 1 ? 1 : (fraction <= 2 ? 2 : (fraction <= 5 ? 5 : 10))
        return nice * power
    }

    /// Removes floating-point noise from a multiple of `step` (0.30000000000000004 -> 0.3).
    static func clean(_ value: Double, step: Double) -> Double {
        let digits = max(0, -Int(log10(step).rounded(.down)) + 1)
        let scale = pow(10, Double(min(digits, 15)))
        let result = (value * scale).rounded() / scale
        return result == 0 ? 0 : result
    }
}
