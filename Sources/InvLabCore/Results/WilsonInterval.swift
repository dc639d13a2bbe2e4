import Foundation

/// The Wilson score interval of a proportion (Wilson 1927; Brown, Cai and DasGupta 2001
/// recommend it over the normal approximation for small samples and rates near 0 or 1).
public enum WilsonInterval {
    /// Lower and upper bound of the interval for `successes` out of `trials` at normal quantile
    /// `z` (1.96: 95 %). NaN bounds for no trials.
    public static func bounds(successes: Int, trials: Int, z: Double = 1.96) -> (lower: Double, upper: Double) {
        bounds(rate: trials > 0 ? Double(successes) / Double(trials) : .nan, trials: trials, z: z)
    }

    /// The interval of an observed `rate` over `trials` (a rate may count half successes, as the
    /// judge panel's split votes do).
    public static func bounds(rate: Double, trials: Int, z: Double = 1.96) -> (lower: Double, upper: Double) {
        guard trials > 0, rate.isFinite else { return (.nan, .nan) }
        let n = Double(trials), p = min(1, max(0, rate)), z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z * ((p * (1 - p) + z2 / (4 * n)) / n).squareRoot() / (1 + z2 / n)
        return (max(0, centre - half), min(1, centre + half))
    }
}
