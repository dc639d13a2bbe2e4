import Foundation
@testable import InvLabONNX
import InvLabTensor
import Testing

/// MatMul of stacks of matrices (both operands of rank 3 or more, batch axes broadcast, a 1-D
/// left operand) and Gather on float tensors (any axis, negative and repeated indices): values
/// worked out by hand, gradients to every operand against finite differences, and the messages
/// of what is still refused. (onnxruntime's values for more shapes: `ONNXExecutorReferenceTests`.)
@Suite("ONNX MatMul of stacks and Gather on float tensors")
struct ONNXMatMulGatherTests {
    @Test("MatMul of a 2 x 2 x 3 stack by a 2 x 3 x 1 stack multiplies matrix i by matrix i")
    func stacks() throws {
        let y = try ONNXOperatorValueTests.run({ b in
            b.floats("b", [2, 3, 1], [1, 0, -1, 1, 1, 1])
            b.node("MatMul", ["x", "b"], ["y"])
        }, Tensor(shape: [2, 2, 3], scalars: (0..<12).map { Float($0) }))
        #expect(y == Tensor(shape: [2, 2, 1], scalars: [-2, -2, 21, 30]))
    }

    @Test("MatMul of a vector by a stack gives one row per matrix, the vector's axis dropped")
    func vectorLeft() throws {
        let y = try ONNXOperatorValueTests.run({ b in
            b.floats("b", [2, 3, 2], (0..<12).map { Float($0) })
            b.node("MatMul", ["x", "b"], ["y"])
        }, Tensor(shape: [3], scalars: [1, 2, 3]))
        #expect(y == Tensor(shape: [2, 2], scalars: [16, 22, 52, 58]))
    }

    @Test("Gather on floats along axis 1 with 2-D indices, negative ones counting from the end; along axis 0 with a scalar index")
    func gatherValues() throws {
        let x = Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5])
        let columns = try ONNXOperatorValueTests.run({ b in
            b.integers("i", [2, -3], shape: [1, 2])
            b.node("Gather", ["x", "i"], ["y"], [ModelBuilder.attribute("axis", int: 1)])
        }, x)
        #expect(columns == Tensor(shape: [2, 1, 2], scalars: [2, 0, 5, 3]))
        let row = try ONNXOperatorValueTests.run({ b in
            b.integers("i", [-1], shape: [])
            b.node("Gather", ["x", "i"], ["y"])
        }, x)
        #expect(row == Tensor(shape: [3], scalars: [3, 4, 5]))
    }

    @Test("Refused: an index out of range, float indices, batch axes that do not broadcast")
    func refusals() throws {
        let x = Tensor(zeros: [2, 2, 3])
        var gather = ModelBuilder()
        gather.integers("i", [3])
        gather.node("Gather", ["x", "i"], ["y"], name: "g", [ModelBuilder.attribute("axis", int: -1)])
        #expect(onnxErrorMessage { try gather.load()(Var(constant: x)) } ==
            "test.onnx: node 'g' (Gather, opset 17): index 3 is out of range for 3 values")
        var floatIndices = ModelBuilder()
        floatIndices.floats("i", [1], [0])
        floatIndices.node("Gather", ["x", "i"], ["y"], name: "g")
        #expect(onnxErrorMessage { try floatIndices.load()(Var(constant: x)) } ==
            "test.onnx: node 'g' (Gather, opset 17): input 1 ('i') must be an INT64 tensor (initializer, Constant node or shape arithmetic)")
        var matmul = ModelBuilder()
        matmul.floats("b", [3, 3, 1], [Float](repeating: 1, count: 9))
        matmul.node("MatMul", ["x", "b"], ["y"], name: "mm")
        #expect(onnxErrorMessage { try matmul.load()(Var(constant: x)) } ==
            "test.onnx: node 'mm' (MatMul, opset 17): the batch axes of [2, 2, 3] and [3, 3, 1] do not broadcast")
    }

    @Test("Gradients through float Gather (repeated indices, negative axis), broadcast stacked MatMul and a 1-D left MatMul reach the input and every weight")
    func gradients() throws {
        var b = ModelBuilder()
        b.integers("rows", [2, 0, 2, -2], shape: [2, 2])
        b.floats("w", [4, 5, 3], ONNXGradientTests.random([4, 5, 3], seed: 31).scalars)
        b.integers("shape", [2, 4, 4, 5])
        b.integers("cols", [2, 0])
        b.floats("v", [4], ONNXGradientTests.random([4], seed: 32).scalars)
        b.node("Gather", ["x", "rows"], ["picked"], [ModelBuilder.attribute("axis", int: 1)])  // [2, 2, 2, 4, 5]
        b.node("Reshape", ["picked", "shape"], ["stack"])  // [2, 4, 4, 5]
        b.node("MatMul", ["stack", "w"], ["product"])  // [2, 4, 4, 3], w broadcast over the leading 2
        b.node("Tanh", ["product"], ["t"])
        b.node("Gather", ["t", "cols"], ["narrow"], [ModelBuilder.attribute("axis", int: -1)])  // [2, 4, 4, 2]
        b.node("MatMul", ["v", "narrow"], ["y"])  // [2, 4, 2]
        let model = try b.load()
        let x = ONNXGradientTests.random([2, 3, 4, 5], seed: 33)
        #expect(try model(Var(constant: x)).shape == [2, 4, 2])
        let error = try ONNXGradientTests.worstError(model, input: x, weights: ["w", "v"])
        #expect(error < 2e-2, "worst relative error \(error)")
    }
}
