import Foundation

// Differentiable elementwise arithmetic with broadcasting. Each forward kernel sits next to
// its gradient rule; gradients of broadcast operands are summed back to the operand's shape.

extension Var {
    public static func + (a: Var, b: Var) -> Var {
        let (sa, sb) = (a.shape, b.shape)
        return record(a.value + b.value, inputs: [a, b]) { g in
            [a.isTracked ? g.summed(toShape: sa) : nil, b.isTracked ? g.summed(toShape: sb) : nil]
        }
    }

    public static func - (a: Var, b: Var) -> Var {
        let (sa, sb) = (a.shape, b.shape)
        return record(a.value - b.value, inputs: [a, b]) { g in
            [a.isTracked ? g.summed(toShape: sa) : nil, b.isTracked ? (-g).summed(toShape: sb) : nil]
        }
    }

    public static func * (a: Var, b: Var) -> Var {
        let (va, vb) = (a.value, b.value)
        return record(va * vb, inputs: [a, b]) { g in
            [a.isTracked ? (g * vb).summed(toShape: va.shape) : nil,
             b.isTracked ? (g * va).summed(toShape: vb.shape) : nil]
        }
    }

    public static func / (a: Var, b: Var) -> Var {
        let (va, vb) = (a.value, b.value)
        return record(va / vb, inputs: [a, b]) { g in
            [a.isTracked ? (g / vb).summed(toShape: va.shape) : nil,
             b.isTracked ? (-(g * va) / (vb * vb)).summed(toShape: vb.shape) : nil]
        }
    }

    public static func + (a: Var, s: Float) -> Var { record(a.value + s, inputs: [a]) { [$0] } }
    public static func + (s: Float, a: Var) -> Var { a + s }
    public static func - (a: Var, s: Float) -> Var { a + (-s) }
    public static func - (s: Float, a: Var) -> Var { record(s - a.value, inputs: [a]) { [-$0] } }
    public static func * (a: Var, s: Float) -> Var { record(a.value * s, inputs: [a]) { [$0 * s] } }
    public static func * (s: Float, a: Var) -> Var { a * s }
    public static func / (a: Var, s: Float) -> Var { a * (1 / s) }
    public static prefix func - (a: Var) -> Var { record(-a.value, inputs: [a]) { [-$0] } }

    /// Mixed operations with constant tensors.
    public static func + (a: Var, b: Tensor) -> Var { a + Var(constant: b) }
    public static func - (a: Var, b: Tensor) -> Var { a - Var(constant: b) }
    public static func * (a: Var, b: Tensor) -> Var { a * Var(constant: b) }
    public static func / (a: Var, b: Tensor) -> Var { a / Var(constant: b) }

    /// Elementwise square.
    public func squared() -> Var {
        let v = value
        return Var.record(v.map { $0 * $0 }, inputs: [self]) { g in [g.zipMap(v) { $0 * 2 * $1 }] }
    }

    /// Elementwise square root (gradient 1 / (2 sqrt(x))).
    public func sqrt() -> Var {
        let y = value.map { $0.squareRoot() }
        return Var.record(y, inputs: [self]) { g in [g.zipMap(y) { $0 / (2 * $1) }] }
    }

    /// Elementwise exponential.
    public func exp() -> Var {
        let y = value.map { Foundation.exp($0) }
        return Var.record(y, inputs: [self]) { g in [g * y] }
    }

    /// Elementwise natural logarithm.
    public func log() -> Var {
        let v = value
        return Var.record(v.map { Foundation.log($0) }, inputs: [self]) { g in [g / v] }
    }

    /// Elementwise absolute value (subgradient 0 at 0).
    public func abs() -> Var {
        let v = value
        return Var.record(v.map { Swift.abs($0) }, inputs: [self]) { g in
            [g.zipMap(v) { $1 > 0 ? $0 : ($1 < 0 ? -$0 : 0) }]
        }
    }

    /// Elementwise power with a constant exponent.
    public func pow(_ exponent: Float) -> Var {
        let v = value
        return Var.record(v.map { Foundation.pow($0, exponent) }, inputs: [self]) { g in
            [g.zipMap(v) { $0 * exponent * Foundation.pow($1, exponent - 1) }]
        }
    }

    /// Elementwise clamp to `range`; the gradient passes where the input is inside the range.
    public func clamped(to range: ClosedRange<Float>) -> Var {
        let v = value
        return Var.record(v.clamped(to: range), inputs: [self]) { g in
            [g.zipMap(v) { range.contains($1) ? $0 : 0 }]
        }
    }
}
