/// SplitMix64 (Steele, Lea & Flood 2014), the seeded generator behind data set splits.
///
/// Splits must be identical on every machine and Swift version, so this module does its own
/// bounded draws (`uniform(below:)`, rejection sampling) and shuffling (Fisher-Yates from the
/// last element down) instead of the standard library's, whose algorithms may change.
public struct SplitMix64Generator: RandomNumberGenerator, Sendable, Equatable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` (unbiased: draws below `2^64 mod bound` are rejected).
    public mutating func uniform(below bound: Int) -> Int {
        guard bound > 1 else { return 0 }
        let range = UInt64(bound)
        let threshold = (0 &- range) % range
        while true {
            let draw = next()
            if draw >= threshold { return Int(draw % range) }
        }
    }

    /// `values` in a uniformly random order (Fisher-Yates).
    public mutating func shuffled<T>(_ values: [T]) -> [T] {
        var result = values
        var index = result.count - 1
        while index > 0 {
            result.swapAt(index, uniform(below: index + 1))
            index -= 1
        }
        return result
    }
}
