import Foundation
@testable import InvLabONNX
import InvLabTensor
import Testing

/// Gradients and refusals of the activations, LayerNormalization, Max/Min, Slice, Split and
/// GlobalMaxPool (their values are checked against onnxruntime in ONNXExecutorReferenceTests).
@Suite("ONNX activations, LayerNormalization, Max/Min, Slice, Split, GlobalMaxPool: gradients and refusals")
struct ONNXActivationOpsTests {
    static func model(_ build: (inout ModelBuilder) -> Void) throws -> ONNXModel {
        var b = ModelBuilder()
        build(&b)
        return try b.load()
    }

    @Test("Input gradients match finite differences", arguments: ["Neg", "Abs", "Exp", "Erf", "Softplus", "Elu", "HardSigmoid", "HardSwish"])
    func unary(op: String) throws {
        let model = try Self.model { $0.node(op, ["x"], ["y"]) }
        // Away from the kinks (0 for Abs and Elu, +-2.5 and +-3 for the hard ones).
        let x = ONNXGradientTests.random([2, 3, 4], seed: 81).scalars.map { $0 + ($0 >= 0 ? 0.1 : -0.1) }
        let error = try ONNXGradientTests.worstError(model, input: Tensor(shape: [2, 3, 4], scalars: x), weights: [], epsilon: 1e-3)
        #expect(error < 1e-2, "\(op): worst relative error \(error)")
    }

    @Test("LayerNormalization's gradients to input, Scale and B; Max, Min, Slice and GlobalMaxPool to their input")
    func composite() throws {
        let norm = try Self.model { b in
            b.floats("scale", [5], ONNXGradientTests.random([5], seed: 82).scalars)
            b.floats("bias", [5], ONNXGradientTests.random([5], seed: 83).scalars)
            b.node("LayerNormalization", ["x", "scale", "bias"], ["y"])
        }
        let x = ONNXGradientTests.random([2, 3, 5], seed: 84)
        #expect(try ONNXGradientTests.worstError(norm, input: x, weights: ["scale", "bias"], epsilon: 1e-3) < 1e-2)
        let extrema = try Self.model { b in
            b.floats("m", [5], [0.5, -0.5, 0.2, -0.2, 0.9])
            b.node("Max", ["x", "m"], ["a"])
            b.node("Min", ["a", "x"], ["y0"])
            b.integers("starts", [1, 0])
            b.integers("ends", [3, 5])
            b.integers("axes", [1, 2])
            b.integers("steps", [1, 2])
            b.node("Slice", ["y0", "starts", "ends", "axes", "steps"], ["y"])
        }
        #expect(try ONNXGradientTests.worstError(extrema, input: x, weights: ["m"], epsilon: 1e-3) < 1e-2)
        let pooled = try Self.model { $0.node("GlobalMaxPool", ["x"], ["y"]) }
        #expect(try ONNXGradientTests.worstError(pooled, input: ONNXGradientTests.random([2, 2, 3, 4], seed: 85), weights: [], epsilon: 1e-3) < 1e-2)
    }

    @Test("Split parts carry their gradients back to their windows; sizes that do not add up are refused")
    func split() throws {
        let model = try Self.model { b in
            b.integers("sizes", [1, 3])
            b.node("Split", ["x", "sizes"], ["a", "b"], name: "split", [ModelBuilder.attribute("axis", int: 1)])
            b.node("Tanh", ["b"], ["t"])
            b.node("Mul", ["a", "a"], ["m"])
            b.node("Concat", ["t", "m"], ["y"], [ModelBuilder.attribute("axis", int: 1)])
        }
        #expect(try ONNXGradientTests.worstError(model, input: ONNXGradientTests.random([2, 4, 3], seed: 86), weights: [], epsilon: 1e-3) < 1e-2)
        #expect(onnxErrorMessage { try model(Var(constant: Tensor(zeros: [2, 5, 3]))) }
            == "test.onnx: node 'split' (Split, opset 17): split [1, 3] must give 2 positive sizes adding up to axis 1's 5")
        let equal = try Self.model { $0.node("Split", ["x"], ["a", "y"], name: "halves") }
        #expect(onnxErrorMessage { try equal(Var(constant: Tensor(zeros: [3, 2]))) }
            == "test.onnx: node 'halves' (Split, opset 17): axis 0 of size 3 does not split into 2 equal non-empty parts")
    }

    @Test("Slice of an integer vector: the batch size out of Shape flattens an input to N x rest")
    func integerSlice() throws {
        let model = try Self.model { b in
            b.node("Shape", ["x"], ["s"])
            b.integers("zero", [0])
            b.integers("one", [1])
            b.node("Slice", ["s", "zero", "one"], ["n"])
            b.integers("rest", [-1])
            b.node("Concat", ["n", "rest"], ["shape"], [ModelBuilder.attribute("axis", int: 0)])
            b.node("Reshape", ["x", "shape"], ["y"])
        }
        #expect(try model(Var(constant: Tensor(zeros: [3, 2, 4]))).shape == [3, 8])
    }

    @Test("Negative steps, empty slices and a LayerNormalization scale of the wrong shape are refused with their messages")
    func refusals() throws {
        func slice(_ starts: [Int64], _ ends: [Int64], steps: [Int64]) throws -> ONNXModel {
            try Self.model { b in
                b.integers("starts", starts)
                b.integers("ends", ends)
                b.integers("axes", [1])
                b.integers("steps", steps)
                b.node("Slice", ["x", "starts", "ends", "axes", "steps"], ["y"], name: "slice")
            }
        }
        let x = Var(constant: Tensor(zeros: [2, 4]))
        #expect(onnxErrorMessage { try slice([3], [0], steps: [-1])(x) }
            == "test.onnx: node 'slice' (Slice, opset 17): step -1 on axis 1 is not supported; supported: positive steps")
        #expect(onnxErrorMessage { try slice([3], [2], steps: [1])(x) }
            == "test.onnx: node 'slice' (Slice, opset 17): the slice of axis 1 (start 3, end 2, size 4) is empty, which is not supported")
        let norm = try Self.model { b in
            b.floats("scale", [3], [1, 1, 1])
            b.node("LayerNormalization", ["x", "scale"], ["y"], name: "ln")
        }
        #expect(onnxErrorMessage { try norm(x) }
            == "test.onnx: node 'ln' (LayerNormalization, opset 17): Scale of shape [3] does not broadcast to the normalised axes [4]")
    }
}
