import InvLabTensor

/// Activations and elementwise functions beyond ReLU, sigmoid and tanh, as found in MobileNet-
/// (HardSwish, HardSigmoid), transformer- (Erf for GELU, LayerNormalization) and ELU-style
/// classifiers. Each is built from engine `Var` operations, so gradients are the engine's.
enum ActivationOps {
    @Sendable static func neg(_ c: NodeContext) throws -> [RuntimeValue] { try ElementwiseOps.unary(c) { -$0 } }
    @Sendable static func abs(_ c: NodeContext) throws -> [RuntimeValue] { try ElementwiseOps.unary(c) { $0.abs() } }
    @Sendable static func exp(_ c: NodeContext) throws -> [RuntimeValue] { try ElementwiseOps.unary(c) { $0.exp() } }
    @Sendable static func log(_ c: NodeContext) throws -> [RuntimeValue] { try ElementwiseOps.unary(c) { $0.log() } }
    @Sendable static func erf(_ c: NodeContext) throws -> [RuntimeValue] { try ElementwiseOps.unary(c) { $0.erf() } }
    @Sendable static func softplus(_ c: NodeContext) throws -> [RuntimeValue] { try ElementwiseOps.unary(c) { $0.softplus() } }

    /// x for x > 0, alpha (e^x - 1) otherwise: relu(x) + alpha (e^(-relu(-x)) - 1).
    @Sendable static func elu(_ c: NodeContext) throws -> [RuntimeValue] {
        let alpha = try c.float("alpha", default: 1)
        return try ElementwiseOps.unary(c) { x in x.relu() + alpha * ((-(-x).relu()).exp() - 1) }
    }

    /// max(0, min(1, alpha x + beta)).
    @Sendable static func hardSigmoid(_ c: NodeContext) throws -> [RuntimeValue] {
        let (alpha, beta) = (try c.float("alpha", default: 0.2), try c.float("beta", default: 0.5))
        return try ElementwiseOps.unary(c) { x in (alpha * x + beta).clamped(to: 0...1) }
    }

    /// x max(0, min(1, x / 6 + 1/2)) (MobileNetV3).
    @Sendable static func hardSwish(_ c: NodeContext) throws -> [RuntimeValue] {
        try ElementwiseOps.unary(c) { x in x * (x / 6 + 0.5).clamped(to: 0...1) }
    }

    /// The elementwise maximum (`larger`) or minimum of one or more inputs, with NumPy
    /// broadcasting, folded pairwise as a + relu(b - a) or a - relu(a - b): the gradient goes to
    /// the chosen operand (to the earlier one on a tie).
    static func extremum(_ c: NodeContext, larger: Bool) throws -> [RuntimeValue] {
        guard !c.inputs.isEmpty else { throw c.fail("needs at least one input") }
        var result = try c.float(0)
        for index in 1..<c.inputs.count {
            let next = try c.float(index)
            try ElementwiseOps.checkBroadcast(result, next, c)
            result = larger ? result + (next - result).relu() : result - (result - next).relu()
        }
        return [.float(result)]
    }

    @Sendable static func max(_ c: NodeContext) throws -> [RuntimeValue] { try extremum(c, larger: true) }
    @Sendable static func min(_ c: NodeContext) throws -> [RuntimeValue] { try extremum(c, larger: false) }

    /// Normalisation over the axes from `axis` to the last (opset 17): (x - mean) / sqrt(var +
    /// epsilon) * Scale + B, with the biased variance; Scale and B broadcast to those axes.
    @Sendable static func layerNormalization(_ c: NodeContext) throws -> [RuntimeValue] {
        try c.requireOutputs(1)
        let (x, scale, bias) = (try c.float(0), try c.float(1), try c.optionalFloat(2))
        guard x.rank >= 1 else { throw c.fail("needs an input of rank 1 or more, got a scalar") }
        let axis = try c.axis(try c.int("axis", default: -1), rank: x.rank)
        let epsilon = try c.float("epsilon", default: 1e-5)
        guard epsilon >= 0 else { throw c.fail("epsilon \(epsilon) is negative") }
        let normalised = Array(x.shape[axis...])
        for (name, value) in [("Scale", scale), ("B", bias)] {
            guard let value else { continue }
            guard value.rank <= normalised.count, Broadcasting.shape(normalised, value.shape) == normalised else {
                throw c.fail("\(name) of shape \(value.shape) does not broadcast to the normalised axes \(normalised)")
            }
        }
        let axes = Array(axis..<x.rank)
        let centred = x - x.mean(alongAxes: axes, keepingDimensions: true)
        let variance = centred.squared().mean(alongAxes: axes, keepingDimensions: true)
        let y = centred / (variance + epsilon).sqrt() * scale
        return [.float(bias.map { y + $0 } ?? y)]
    }

    /// The maximum over each N x C plane: N x C x H x W to N x C x 1 x 1.
    @Sendable static func globalMaxPool(_ c: NodeContext) throws -> [RuntimeValue] {
        let x = try c.float(0)
        guard x.rank == 4, x.shape.allSatisfy({ $0 >= 1 }) else { throw c.fail("needs a non-empty N x C x H x W input, got \(x.shape)") }
        return [.float(x.maxPool2d(window: PoolWindow(kernel: [x.shape[2], x.shape[3]], strides: [1, 1])))]
    }
}
