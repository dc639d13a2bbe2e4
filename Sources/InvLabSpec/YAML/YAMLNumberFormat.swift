import Foundation

/// Formatting of floating-point numbers as YAML float literals.
public enum YAMLNumberFormat {
    /// Shortest text that reads back as exactly `value` and as a float: `0.5`, `1.0`, `1e-05`,
    /// `.inf`, `-.inf`, `.nan`.
    public static func text(for value: Double) -> String {
        if value.isNaN { return ".nan" }
        if value.isInfinite { return value < 0 ? "-.inf" : ".inf" }
        return "\(value)"
    }

    /// `value` rounded to `digits` significant decimal digits of `scale` (by default of the value
    /// itself), so that `0.15000000000000002` becomes `0.15`, and, with the scale of a sweep
    /// range, `5.6e-17` (from `-0.3 + 3 * 0.1`) becomes `0`.
    public static func rounded(_ value: Double, significantDigits digits: Int, scale: Double? = nil) -> Double {
        let magnitude = abs(scale ?? value)
        guard value.isFinite, magnitude.isFinite, magnitude > 0 else { return value }
        let decimals = max(1, digits) - 1 - Int(log10(magnitude).rounded(.down))
        guard abs(decimals) <= 22 else { return value }
        let power = pow(10.0, Double(abs(decimals)))
        let result = decimals >= 0 ? (value * power).rounded() / power : (value / power).rounded() * power
        return result == 0 ? 0 : result
    }

    /// Text for a number that should read naturally: integral values within ±10^15 as integers
    /// (`0`, `1`), others as the shortest float text (`0.05`).
    public static func naturalText(for value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return text(for: value)
    }
}
