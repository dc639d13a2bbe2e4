// Deterministic randomness and math for the procedurally drawn synthetic faces.
//
// Every synthetic image must be bit-identical across runs, machines and toolchains, because tests,
// cached experiments and the dummy-recognizer defense rely on "seed 7, identity 3, image 2" always
// meaning the same pixels. So nothing here uses the system RNG, `Float.random(in:using:)` (whose
// algorithm the standard library may change) or libm's transcendental functions (whose last bit
// differs between C libraries). Only IEEE-754 `+ - * /` and `sqrt`, which are exactly rounded.

/// A SplitMix64 generator (Steele, Lea & Flood, 2014): a 64-bit counter advanced by the golden-ratio
/// increment and scrambled by a bijective mixing function.
///
/// It is tiny, fast, passes BigCrush, and any 64-bit state is a valid seed, which makes it easy to
/// derive independent streams by hashing a seed together with indices (see `init(seed:stream:)`).
public struct SyntheticFaceRandom: Sendable, Equatable {
    /// The counter; advanced by `0x9E3779B97F4A7C15` per draw.
    public private(set) var state: UInt64

    /// A generator starting at `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// A generator for one independent stream, e.g. `(seed, identity, image, purpose)`.
    ///
    /// The indices are folded into the state one by one through the mixing function, so streams
    /// that differ in any index start at unrelated states.
    public init(seed: UInt64, stream: [Int]) {
        var s = SyntheticFaceRandom.mix(seed ^ 0x5F3A_9C21_D4E7_0B68)
        for value in stream {
            s = SyntheticFaceRandom.mix(s &+ UInt64(bitPattern: Int64(value)) &* 0x9E37_79B9_7F4A_7C15)
        }
        state = s
    }

    /// The SplitMix64 output function: a bijection of 64-bit integers with good avalanche.
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state = state &+ 0x9E37_79B9_7F4A_7C15
        return SyntheticFaceRandom.mix(state)
    }

    /// A uniform value in [0, 1) with 24 bits of precision (every value exactly representable).
    public mutating func unit() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A uniform value in [low, high).
    public mutating func uniform(_ low: Float, _ high: Float) -> Float {
        low + (high - low) * unit()
    }

    /// A value in (-amplitude, amplitude) with a triangular density peaked at 0: the sum of two
    /// uniforms, a cheap bell shape for "mostly small, occasionally larger" variations.
    public mutating func centered(_ amplitude: Float) -> Float {
        (unit() + unit() - 1) * amplitude
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Float) -> Bool {
        unit() < p
    }

    /// A uniform integer in 0..<count (count > 0); the modulo bias is below 2^-40 for small counts.
    public mutating func index(_ count: Int) -> Int {
        precondition(count > 0, "index(_:) needs a positive count")
        return Int((next() >> 16) % UInt64(count))
    }
}

/// Deterministic low-discrepancy coordinates, used to spread the most visible identity traits
/// (skin tone, hair darkness, hair style, head width) evenly over consecutive identities.
///
/// Independent random draws often give two of ten identities nearly the same skin and hair;
/// the additive recurrence `frac(offset + k * alpha_j)` with the R4 constants of Roberts (2018),
/// `alpha_j = phi4^-j` where `phi4` is the real root of `x^5 = x + 1`, keeps any run of consecutive
/// identities well spread in all four traits at once, while `offset` (from the seed) makes each
/// seed's sequence different.
enum SyntheticFaceSpread {
    static let alphas: [Double] = [0.8566748838545029, 0.733891856627126, 0.6287067210378086, 0.53859725722361]

    /// Golden-ratio and silver-ratio steps for one-dimensional sequences (optional features).
    static let golden = 0.6180339887498949
    static let silver = 0.41421356237309515

    /// Point `index` of the one-dimensional Weyl sequence `frac(offset + index * step)`: thresholding
    /// it at p gives a feature to a fraction p of identities, evenly interleaved rather than clustered.
    static func weyl(index: Int, step: Double, offset: Double) -> Float {
        let value = offset + Double(index) * step
        return Float(value - value.rounded(.down))
    }

    /// Coordinate `dimension` (0...3) of point `index` of the sequence shifted by `offset` in [0, 1).
    static func coordinate(_ dimension: Int, index: Int, offset: Double) -> Float {
        let k = Double(index)
        let value = offset + k * alphas[dimension]
        return Float(value - value.rounded(.down))
    }
}

/// Small deterministic replacements for libm functions, built from exactly rounded operations.
enum SyntheticFaceMath {
    /// sin(x) for any finite x, accurate to about 1e-7 (range reduction to [-pi/2, pi/2], then a
    /// degree-11 Taylor polynomial evaluated in Double).
    static func sin(_ x: Float) -> Float {
        let twoPi = 6.283185307179586
        var t = Double(x)
        t -= (t / twoPi).rounded() * twoPi            // now in [-pi, pi]
        if t > 1.5707963267948966 { t = 3.141592653589793 - t }
        if t < -1.5707963267948966 { t = -3.141592653589793 - t }
        let t2 = t * t
        let p = 1 - t2 / 6 * (1 - t2 / 20 * (1 - t2 / 42 * (1 - t2 / 72 * (1 - t2 / 110))))
        return Float(t * p)
    }

    /// cos(x) as sin(x + pi/2).
    static func cos(_ x: Float) -> Float {
        sin(x + 1.5707963267948966)
    }

    /// The fractional part x - floor(x) in [0, 1), for |x| < 2^31 (inlined, unlike floorf on
    /// baseline x86-64).
    @inline(__always)
    static func fraction(_ x: Float) -> Float {
        let t = x - Float(Int32(x))
        return t < 0 ? t + 1 : t
    }

    /// Clamps to [low, high].
    @inline(__always)
    static func clamp(_ x: Float, _ low: Float, _ high: Float) -> Float {
        min(max(x, low), high)
    }

    /// Linear interpolation between a and b.
    @inline(__always)
    static func mix(_ a: Float, _ b: Float, _ t: Float) -> Float {
        a + (b - a) * t
    }
}
