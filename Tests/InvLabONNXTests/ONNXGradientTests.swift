import Foundation
@testable import InvLabONNX
import InvLabTensor
import Testing

/// Gradients through hand-built graphs agree with central finite differences, with respect to
/// the input and to weights passed as tracked `Var`s (what fine-tuning an imported model needs).
/// Together the graphs cover the operators and attributes the PyTorch fixtures do not reach:
/// grouped and dilated convolution with asymmetric pads and unequal strides, softmax and
/// log-softmax along a non-last axis, Gemm's alpha and beta, MatMul of a stack of matrices, Pad
/// with a crop.
@Suite("ONNX gradients: finite differences on hand-built graphs")
struct ONNXGradientTests {
    static func random(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return Tensor.uniform(shape, low: low, high: high, generator: &generator)
    }

    /// Random values at least 0.2 away from 0, so that a finite-difference step never crosses
    /// the kink of a (leaky) ReLU.
    static func awayFromZero(_ shape: [Int], seed: UInt64) -> Tensor {
        let magnitude = random(shape, seed: seed, low: 0.2, high: 1), sign = random(shape, seed: seed + 1000)
        return magnitude.zipMap(sign) { $1 < 0 ? -$0 : $0 }
    }

    /// Worst relative error between the autodiff gradient of sum(seed * model(x)) with respect to
    /// the input and the named weights, and central differences (along a random direction and
    /// on single elements of each).
    /// `batchStatistics`: run BatchNormalization in training mode (batch statistics).
    static func worstError(_ model: ONNXModel, input: Tensor, weights names: [String],
                           epsilon: Float = 1e-2, batchStatistics: Bool = false) throws -> Float {
        let start = [input] + names.map { model.weight($0)! }
        func evaluate(_ xs: [Var]) throws -> Var {
            try model(xs[0], weights: Dictionary(uniqueKeysWithValues: zip(names, xs.dropFirst())),
                      batchStatistics: batchStatistics ? BatchStatistics() : nil)
        }
        let probe = try evaluate(start.map { Var(constant: $0) }).value
        let seed = random(probe.shape, seed: 5, low: 0.5, high: 1.5)
        func objective(_ xs: [Tensor]) throws -> Float {
            (try evaluate(xs.map { Var(constant: $0) }).value * seed).sum()
        }
        let (_, gradients) = try valueWithGradient(at: start) { (try evaluate($0) * seed).sum() }
        var worst: Float = 0
        var generator = SeededGenerator(seed: 9)
        for (i, tensor) in start.enumerated() {
            var probes: [Tensor] = [Tensor.normal(tensor.shape, generator: &generator)]
            for _ in 0..<4 {
                var unit = Tensor(zeros: tensor.shape)
                unit.withUnsafeMutableBufferPointer { $0[generator.nextInt(below: tensor.count)] = 1 }
                probes.append(unit)
            }
            for direction in probes {
                var plus = start, minus = start
                plus[i] = tensor + direction * epsilon
                minus[i] = tensor - direction * epsilon
                let numeric = (try objective(plus) - objective(minus)) / (2 * epsilon)
                let analytic = (gradients[i] * direction).sum()
                worst = max(worst, abs(analytic - numeric) / max(1, abs(analytic), abs(numeric)))
            }
        }
        return worst
    }

    @Test("PRelu; grouped, dilated, asymmetrically padded Conv with unequal strides; Softmax on axis 1; Transpose; Flatten; Gemm with alpha and beta")
    func convolutionGraph() throws {
        var b = ModelBuilder()
        b.floats("w", [6, 2, 3, 2], Self.random([6, 2, 3, 2], seed: 1).scalars)
        b.floats("bias", [6], Self.random([6], seed: 2).scalars)
        b.floats("slope", [4, 1, 1], Self.random([4, 1, 1], seed: 3, low: 0.1, high: 0.4).scalars)
        b.floats("fc", [3, 108], Self.random([3, 108], seed: 4).scalars)
        b.floats("c", [3], [0.1, -0.2, 0.3])
        b.node("PRelu", ["x", "slope"], ["act"])
        b.node("Conv", ["act", "w", "bias"], ["conv"], [
            ModelBuilder.attribute("group", int: 2), ModelBuilder.attribute("dilations", ints: [2, 1]),
            ModelBuilder.attribute("pads", ints: [1, 0, 2, 1]), ModelBuilder.attribute("strides", ints: [1, 2]),
        ])
        b.node("Softmax", ["conv"], ["soft"], [ModelBuilder.attribute("axis", int: 1)])
        b.node("Transpose", ["soft"], ["nhwc"], [ModelBuilder.attribute("perm", ints: [0, 2, 3, 1])])
        b.node("Flatten", ["nhwc"], ["flat"])
        b.node("Gemm", ["flat", "fc", "c"], ["y"], [
            ModelBuilder.attribute("transB", int: 1), ModelBuilder.attribute("alpha", float: 0.5),
            ModelBuilder.attribute("beta", float: 2),
        ])
        let model = try b.load()
        let x = Self.awayFromZero([2, 4, 7, 6], seed: 6)
        #expect(try model(Var(constant: x)).shape == [2, 3])
        let error = try Self.worstError(model, input: x, weights: ["w", "bias", "slope", "fc", "c"])
        #expect(error < 2e-2, "worst relative error \(error)")
    }

    @Test("Pad with a crop, Sub, Tanh, Sigmoid, Mul, Pow, ReduceMean, Sqrt, Div, LeakyRelu, Concat, Reshape, MatMul of a stack, LogSoftmax on axis 0, Dropout, Identity")
    func elementwiseGraph() throws {
        var b = ModelBuilder()
        b.integers("pads", [0, 2, 0, -1])
        b.floats("centre", [5], Self.random([5], seed: 11).scalars)
        b.floats("two", [], [2])
        b.integers("shape", [3, 1, 9])
        b.floats("m", [9, 2], Self.random([9, 2], seed: 12).scalars)
        b.node("Pad", ["x", "pads"], ["padded"])
        b.node("Sub", ["padded", "centre"], ["centred"])
        b.node("Tanh", ["centred"], ["t"])
        b.node("Sigmoid", ["centred"], ["s"])
        b.node("Mul", ["t", "s"], ["ts"])
        b.node("Pow", ["ts", "two"], ["squares"])
        b.node("ReduceMean", ["squares"], ["meanSquare"], [ModelBuilder.attribute("axes", ints: [1])])
        b.node("Sqrt", ["meanSquare"], ["rms"])
        b.node("Div", ["ts", "rms"], ["normalised"])
        b.node("LeakyRelu", ["x"], ["leaky"], [ModelBuilder.attribute("alpha", float: 0.3)])
        b.node("Concat", ["normalised", "leaky"], ["joined"], [ModelBuilder.attribute("axis", int: 1)])
        b.node("Reshape", ["joined", "shape"], ["stack"])
        b.node("MatMul", ["stack", "m"], ["product"])
        b.node("LogSoftmax", ["product"], ["logp"], [ModelBuilder.attribute("axis", int: 0)])
        b.node("Dropout", ["logp"], ["kept"])
        b.node("Identity", ["kept"], ["y"])
        let model = try b.load()
        let x = Self.awayFromZero([3, 4], seed: 13)
        #expect(try model(Var(constant: x)).shape == [3, 1, 2])
        let error = try Self.worstError(model, input: x, weights: ["centre", "m"])
        #expect(error < 2e-2, "worst relative error \(error)")
    }

    @Test("A dilated convolution equals the ordinary convolution with the spread-out kernel")
    func dilation() throws {
        var b = ModelBuilder()
        b.floats("w", [1, 1, 2, 2], [1, 2, 3, 4])
        b.node("Conv", ["x", "w"], ["y"], [ModelBuilder.attribute("dilations", ints: [2, 3])])
        let x = Tensor(shape: [1, 1, 3, 4], scalars: (0..<12).map { Float($0) })
        // Taps at (0,0), (0,3), (2,0), (2,3): 1*x[0][0] + 2*x[0][3] + 3*x[2][0] + 4*x[2][3].
        #expect(try b.load()(Var(constant: x)).value == Tensor(shape: [1, 1, 1, 1], scalars: [0 + 2 * 3 + 3 * 8 + 4 * 11]))
    }
}
