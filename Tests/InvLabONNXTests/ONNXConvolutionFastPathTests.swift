import Foundation
@testable import InvLabONNX
import InvLabTensor
import Testing

/// What an attack on a frozen imported model runs: Conv → BatchNormalization folded into one
/// convolution, 3x3 kernels by Winograd F(2x2, 3x3) with their transforms kept in the model.
/// Each must give what the nodes give one by one (im2col convolution, then the normalisation),
/// values and input gradients, and must stand aside when its conditions do not hold.
@Suite("ONNX convolutions: folded batch normalisation and kept Winograd kernels")
struct ONNXConvolutionFastPathTests {
    static let (weight, bias) = (ONNXGradientTests.random([4, 3, 3, 3], seed: 71), ONNXGradientTests.random([4], seed: 72))
    static let (gamma, beta) = (Tensor([1.5, 0.5, -0.7, 1]), Tensor([0.1, -0.2, 0.3, 0]))
    static let (mean, variance) = (Tensor([0.2, -0.1, 0, 0.3]), Tensor([0.5, 2, 1, 0.25]))

    /// x → Conv 3x3 (pad 1) → BatchNormalization → Relu, and with `shareConvOutput` the
    /// convolution's output also added to the result (so the pair must not fold).
    static func model(shareConvOutput: Bool = false) throws -> ONNXModel {
        var b = ModelBuilder()
        for (name, tensor) in [("w", weight), ("b", bias), ("gamma", gamma), ("beta", beta), ("mean", mean), ("var", variance)] {
            b.floats(name, tensor.shape, tensor.scalars)
        }
        b.node("Conv", ["x", "w", "b"], ["c"], name: "conv", [ModelBuilder.attribute("pads", ints: [1, 1, 1, 1])])
        b.node("BatchNormalization", ["c", "gamma", "beta", "mean", "var"], ["n"], name: "bn",
               [ModelBuilder.attribute("epsilon", float: 1e-3)])
        b.node("Relu", ["n"], shareConvOutput ? ["r"] : ["y"])
        if shareConvOutput { b.node("Add", ["r", "c"], ["y"]) }
        return try b.load()
    }

    /// The graph computed op by op on tensors: im2col convolution, normalisation, ReLU (+ conv).
    static func reference(_ x: Tensor, shareConvOutput: Bool = false) -> Tensor {
        let c = Tensor.conv2d(x, weight: weight, bias: bias, stride: 1, padding: 1)
        let plane = c.shape[2] * c.shape[3]
        let n = Tensor(shape: c.shape, scalars: c.scalars.enumerated().map { index, value in
            let channel = (index / plane) % 4
            let normalised = (value - mean.scalars[channel]) / (variance.scalars[channel] + 1e-3).squareRoot()
            return max(0, normalised * gamma.scalars[channel] + beta.scalars[channel])
        })
        return shareConvOutput ? n + c : n
    }

    /// The output and the input gradient for the seed `seed`, from `model` with `weights` replaced.
    static func run(_ model: ONNXModel, _ x: Tensor, seed: Tensor, weights: [String: Tensor] = [:]) throws -> (Tensor, Tensor) {
        let tape = Tape()
        let input = tape.variable(x)
        let y = try model(input, weights: weights.mapValues { Var(constant: $0) })
        return (y.value, tape.gradients(of: y, seed: seed, withRespectTo: [input])[0])
    }

    static func relativeError(_ a: Tensor, _ b: Tensor) -> Float {
        let scale = max(b.scalars.map(abs).max() ?? 1, 1e-6)
        return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max()! / scale
    }

    @Test("Folded and kept: the op-by-op values, the same input gradient as the unfolded graph, the same result on a second run")
    func folded() throws {
        let model = try Self.model()
        #expect(model.foldableBatchNorms == [0: 1])
        let x = ONNXGradientTests.random([2, 3, 7, 5], seed: 73), seed = ONNXGradientTests.random([2, 4, 7, 5], seed: 74)
        let (y, gradient) = try Self.run(model, x, seed: seed)
        #expect(Self.relativeError(y, Self.reference(x)) < 1e-5)
        // Replacing the weights by equal ones turns folding and the kept transforms off.
        let replaced = ["w": Self.weight, "gamma": Self.gamma]
        let (unfoldedY, unfoldedGradient) = try Self.run(model, x, seed: seed, weights: replaced)
        #expect(Self.relativeError(unfoldedY, y) < 1e-5)
        #expect(Self.relativeError(gradient, unfoldedGradient) < 1e-5)
        #expect(gradient != unfoldedGradient, "the replaced weights must take the unfolded path (else this test compares a path with itself)")
        let (again, gradientAgain) = try Self.run(model, x, seed: seed)
        #expect(again == y && gradientAgain == gradient)
    }

    @Test("A convolution whose output has a second reader keeps its batch normalisation as a node")
    func sharedOutput() throws {
        let model = try Self.model(shareConvOutput: true)
        #expect(model.foldableBatchNorms.isEmpty)
        let x = ONNXGradientTests.random([1, 3, 4, 6], seed: 75)
        #expect(Self.relativeError(try model(Var(constant: x)).value, Self.reference(x, shareConvOutput: true)) < 1e-5)
    }

    @Test("Input gradients of the folded graph against finite differences")
    func gradientCheck() throws {
        let error = try ONNXGradientTests.worstError(try Self.model(), input: ONNXGradientTests.random([1, 3, 5, 4], seed: 76),
                                                     weights: [], epsilon: 1e-3)
        #expect(error < 2e-2, "worst relative error \(error)")
    }
}
