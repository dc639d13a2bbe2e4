import InvLabTensor

/// Elementwise operators and activations, each one or two engine `Var` operations, so their
/// gradients are the engine's.
enum ElementwiseOps {
    /// A broadcasting binary operator; the shapes are checked first (the engine traps on a mismatch).
    static func binary(_ c: NodeContext, _ op: (Var, Var) -> Var) throws -> [RuntimeValue] {
        let (a, b) = (try c.float(0), try c.float(1))
        try checkBroadcast(a, b, c)
        return [.float(op(a, b))]
    }

    /// Refuses operands whose shapes do not broadcast, or broadcast to more than
    /// `ShapeOps.maximumElements` elements.
    static func checkBroadcast(_ a: Var, _ b: Var, _ c: NodeContext) throws {
        guard let shape = Broadcasting.shape(a.shape, b.shape) else {
            throw c.fail("shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        guard ShapeOps.product(shape) <= ShapeOps.maximumElements else {
            throw c.fail("shapes \(a.shape) and \(b.shape) broadcast to \(shape), more than \(ShapeOps.maximumElements) elements")
        }
    }

    @Sendable static func add(_ c: NodeContext) throws -> [RuntimeValue] { try binary(c, +) }
    @Sendable static func sub(_ c: NodeContext) throws -> [RuntimeValue] { try binary(c, -) }
    @Sendable static func mul(_ c: NodeContext) throws -> [RuntimeValue] { try binary(c, *) }
    @Sendable static func div(_ c: NodeContext) throws -> [RuntimeValue] { try binary(c, /) }

    /// A unary operator on input 0.
    static func unary(_ c: NodeContext, _ op: (Var) -> Var) throws -> [RuntimeValue] {
        [.float(op(try c.float(0)))]
    }

    @Sendable static func relu(_ c: NodeContext) throws -> [RuntimeValue] { try unary(c) { $0.relu() } }
    @Sendable static func sigmoid(_ c: NodeContext) throws -> [RuntimeValue] { try unary(c) { $0.sigmoid() } }
    @Sendable static func tanh(_ c: NodeContext) throws -> [RuntimeValue] { try unary(c) { $0.tanh() } }
    @Sendable static func sqrt(_ c: NodeContext) throws -> [RuntimeValue] { try unary(c) { $0.sqrt() } }

    @Sendable static func identity(_ c: NodeContext) throws -> [RuntimeValue] {
        guard let value = c.optional(0) else { throw c.fail("input 0 is missing") }
        return [value]
    }

    /// Inference: the input unchanged. The mask output is refused rather than faked.
    @Sendable static func dropout(_ c: NodeContext) throws -> [RuntimeValue] {
        try c.requireOutputs(1)
        return try identity(c)
    }

    @Sendable static func leakyRelu(_ c: NodeContext) throws -> [RuntimeValue] {
        let alpha = try c.float("alpha", default: 0.01)
        return try unary(c) { $0.leakyRelu(slope: alpha) }
    }

    /// max(x, 0) + slope * min(x, 0), written relu(x) - slope * relu(-x) so the slope gets a gradient too.
    @Sendable static func prelu(_ c: NodeContext) throws -> [RuntimeValue] {
        let (x, slope) = (try c.float(0), try c.float(1))
        guard Broadcasting.shape(x.shape, slope.shape) == x.shape else {
            throw c.fail("slope of shape \(slope.shape) does not broadcast to the input's shape \(x.shape)")
        }
        return [.float(x.relu() - slope * (-x).relu())]
    }

    /// x^p for an exponent with one value (what L2 normalisation and variances use). The
    /// exponent is a constant of the model: no gradient flows into it, also when it is a weight.
    @Sendable static func pow(_ c: NodeContext) throws -> [RuntimeValue] {
        let (x, exponent) = (try c.float(0), try c.float(1))
        guard exponent.value.count == 1 else {
            throw c.fail("only an exponent with one value is supported, got shape \(exponent.shape)")
        }
        let p = exponent.value.scalars[0]
        let y = p == 1 ? x : (p == 2 ? x.squared() : x.pow(p))
        // A [1]-shaped exponent broadcasts the result's shape up to rank 1 (NumPy rules).
        return [.float(y.rank == 0 && exponent.rank > 0 ? y.reshaped(exponent.shape) : y)]
    }

    /// Clamp to constant bounds; the gradient passes inside them (PyTorch's clamp).
    @Sendable static func clip(_ c: NodeContext) throws -> [RuntimeValue] {
        let x = try c.float(0)
        let low = try c.optionalScalar(1) ?? -.infinity, high = try c.optionalScalar(2) ?? .infinity
        guard !low.isNaN, !high.isNaN, low <= high else { throw c.fail("min \(low) exceeds max \(high)") }
        return [.float(x.clamped(to: low...high))]
    }

    /// Softmax or log-softmax along `axis`: the engine works on the last axis, other axes are
    /// moved there and back. Before opset 13 the input is flattened to 2-D at `axis` (default 1)
    /// and normalised over the second dimension: over all axes from `axis` on.
    static func lastAxis(_ c: NodeContext, _ op: (Var) -> Var) throws -> [RuntimeValue] {
        let x = try c.float(0)
        guard x.rank >= 1 else { throw c.fail("needs an input of rank 1 or more, got a scalar") }
        if c.opset < 13 {
            let axis = try c.int("axis", default: 1)
            guard axis >= -x.rank, axis <= x.rank else { throw c.fail("axis \(axis) is out of range for rank \(x.rank)") }
            let split = axis < 0 ? axis + x.rank : axis
            let flat = x.reshaped([x.shape[..<split].reduce(1, *), x.shape[split...].reduce(1, *)])
            return [.float(op(flat).reshaped(x.shape))]
        }
        let axis = try c.axis(try c.int("axis", default: -1), rank: x.rank)
        guard axis != x.rank - 1 else { return [.float(op(x))] }
        var order = Array(0..<x.rank)
        order.swapAt(axis, x.rank - 1)
        return [.float(op(x.permuted(order)).permuted(order))]
    }

    @Sendable static func softmax(_ c: NodeContext) throws -> [RuntimeValue] { try lastAxis(c) { $0.softmax() } }
    @Sendable static func logSoftmax(_ c: NodeContext) throws -> [RuntimeValue] { try lastAxis(c) { $0.logSoftmax() } }
}
