/// Overflow-checked size arithmetic for values that come from files.
///
/// A hostile header can claim dimensions whose product wraps around `Int`; Swift would trap on
/// `*`, so every size computed from file contents goes through these helpers, which return
/// `nil` on overflow (or on a negative factor) and let the caller throw a descriptive error.
enum CheckedArithmetic {
    /// The product of non-negative factors, or `nil` if any factor is negative or it overflows.
    static func product(_ factors: [Int]) -> Int? {
        var result = 1
        for factor in factors {
            guard factor >= 0 else { return nil }
            let (value, overflow) = result.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            result = value
        }
        return result
    }

    /// `a * b` for non-negative operands, or `nil` on overflow.
    static func multiply(_ a: Int, _ b: Int) -> Int? { product([a, b]) }

    /// `a + b`, or `nil` on overflow.
    static func add(_ a: Int, _ b: Int) -> Int? {
        let (value, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : value
    }

    /// A `UInt64` from a file as `Int`, or `nil` when it does not fit.
    static func int(_ value: UInt64) -> Int? {
        value <= UInt64(Int.max) ? Int(value) : nil
    }
}
