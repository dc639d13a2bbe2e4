import Foundation
@testable import InvLabONNX
import InvLabTensor
import Testing

/// The forms PyTorch's dynamo exporter writes (`optimize=False`): Reshape with allowzero 1 and of
/// integer tensors, Expand, Cast and CastLike. Values worked out by hand, gradients against finite
/// differences, and the exact messages of what is refused. Also ReduceL2 and ReduceSum, which
/// `F.normalize` (a FaceNet-style embedding) and `sum(dim)` become with either exporter.
@Suite("ONNX operators of the dynamo exporter: Reshape allowzero, Expand, Cast, CastLike, ReduceL2, ReduceSum")
struct ONNXDynamoOperatorTests {
    static func attribute(to type: Int64) -> Onnx_AttributeProto { ModelBuilder.attribute("to", int: type) }

    @Test("The batch size as the dynamo exporter computes it: Shape, Squeeze, integer Reshape, Concat, Reshape with allowzero 1")
    func batchSizeArithmetic() throws {
        var b = ModelBuilder()
        b.opset = 20
        b.node("Shape", ["x"], ["dims"], [ModelBuilder.attribute("start", int: 0), ModelBuilder.attribute("end", int: 1)])  // [2]
        b.node("Squeeze", ["dims"], ["batch"])  // scalar 2
        b.integers("minus_one", [-1])
        b.node("Reshape", ["batch", "minus_one"], ["batch_vector"], [ModelBuilder.attribute("allowzero", int: 0)])  // [2]
        b.integers("width", [6])
        b.node("Concat", ["batch_vector", "width"], ["shape"], [ModelBuilder.attribute("axis", int: 0)])  // [2, 6]
        b.node("Reshape", ["x", "shape"], ["y"], [ModelBuilder.attribute("allowzero", int: 1)])
        let x = Tensor(shape: [2, 3, 2], scalars: (0..<12).map { Float($0) })
        let y = try b.load()(Var(constant: x)).value
        #expect(y == Tensor(shape: [2, 6], scalars: x.scalars))
    }

    @Test("Reshape with allowzero 1 and a 0 in the shape is refused (it asks for an empty dimension)")
    func allowzeroWithZero() throws {
        var b = ModelBuilder()
        b.integers("shape", [0, -1])
        b.node("Reshape", ["x", "shape"], ["y"], name: "view", [ModelBuilder.attribute("allowzero", int: 1)])
        #expect(onnxErrorMessage { try b.load()(Var(constant: Tensor(zeros: [2, 3]))) } ==
            "test.onnx: node 'view' (Reshape, opset 17): shape [0, -1] with allowzero 1 asks for an empty dimension, which is not supported")
        // allowzero 0 reads the same 0 as "copy the input's dimension".
        var copy = ModelBuilder()
        copy.integers("shape", [0, -1])
        copy.node("Reshape", ["x", "shape"], ["y"], [ModelBuilder.attribute("allowzero", int: 0)])
        #expect(try copy.load()(Var(constant: Tensor(zeros: [2, 3, 2]))).shape == [2, 6])
    }

    @Test("Expand broadcasts floats and integers both ways (a 1 in the shape keeps the input's dimension)")
    func expandValues() throws {
        var b = ModelBuilder()
        b.integers("shape", [2, 1, 3])
        b.node("Expand", ["x", "shape"], ["e"])  // [2, 2, 3]
        b.integers("dims", [2, 2])
        b.integers("ones", [1])
        b.node("Expand", ["ones", "dims"], ["grid"])  // integers [[1, 1], [1, 1]]
        b.node("Cast", ["grid"], ["grid_float"], [Self.attribute(to: 1)])
        b.node("ReduceMean", ["grid_float"], ["one"], [ModelBuilder.attribute("keepdims", int: 0)])  // 1.0
        b.node("Mul", ["e", "one"], ["y"])
        let x = Tensor(shape: [2, 1], scalars: [1, 2])
        let y = try b.load()(Var(constant: x)).value
        #expect(y == Tensor(shape: [2, 2, 3], scalars: [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2]))
        #expect(CastExpandOps.broadcast(IntegerTensor(shape: [1, 3], values: [4, 5, 6]), to: [2, 3]).values == [4, 5, 6, 4, 5, 6])
    }

    @Test("Expand's gradient sums over the broadcast axes; Cast to FLOAT and CastLike pass the gradient on")
    func gradients() throws {
        var b = ModelBuilder()
        b.opset = 20
        b.integers("shape", [3, 2, 4])
        b.node("Expand", ["x", "shape"], ["e"])
        b.node("Cast", ["e"], ["c"], [Self.attribute(to: 1)])
        b.floats("w", [4], [0.5, -1, 2, 0.25])
        b.node("CastLike", ["w", "x"], ["wf"])
        b.node("Mul", ["c", "wf"], ["y"])
        let model = try b.load()
        let x = ONNXGradientTests.random([2, 1], seed: 3)
        #expect(try ONNXGradientTests.worstError(model, input: x, weights: ["w"]) <= 1e-3)
    }

    @Test("Cast and CastLike to integers truncate toward zero; DOUBLE is computed in float32")
    func castValues() throws {
        var b = ModelBuilder()
        b.floats("f", [3], [2.7, -1.5, 3])
        b.node("Cast", ["f"], ["i"], [Self.attribute(to: 7)])  // [2, -1, 3]
        b.integers("like", [0])
        b.node("CastLike", ["f", "like"], ["j"])  // [2, -1, 3]
        b.node("Add", ["i", "j"], ["sum"])  // [4, -2, 6] (integer inputs of Add are read as floats)
        b.node("Cast", ["sum"], ["d"], [Self.attribute(to: 11)])
        b.node("Mul", ["x", "d"], ["y"])
        let y = try b.load()(Var(constant: Tensor(shape: [3], scalars: [1, 1, 0.5]))).value
        #expect(y == Tensor(shape: [3], scalars: [4, -2, 3]))
    }

    @Test("Refusals: Cast to FLOAT16 or without 'to', an INT32 cast that does not fit, an Expand that does not broadcast")
    func refusals() throws {
        func message(_ build: (inout ModelBuilder) -> Void, _ x: Tensor = Tensor(zeros: [2, 3])) -> String? {
            var b = ModelBuilder()
            build(&b)
            return onnxErrorMessage { try b.load()(Var(constant: x)) }
        }
        #expect(message { $0.node("Cast", ["x"], ["y"], name: "half", [Self.attribute(to: 10)]) } ==
            "test.onnx: node 'half' (Cast, opset 17): cast to FLOAT16 (10) is not supported; supported: FLOAT, DOUBLE (computed in float32), INT32, INT64")
        #expect(message { $0.node("Cast", ["x"], ["y"], name: "bare") } == "test.onnx: node 'bare' (Cast, opset 17): attribute 'to' is missing")
        #expect(message({ b in
            b.integers("big", [Int64(Int32.max) + 1])
            b.node("Cast", ["big"], ["i"], name: "narrow", [Self.attribute(to: 6)])
            b.node("Add", ["x", "i"], ["y"])
        }) == "test.onnx: node 'narrow' (Cast, opset 17): value 2147483648 does not fit INT32")
        #expect(message({ b in
            b.integers("shape", [4, 2])
            b.node("Expand", ["x", "shape"], ["y"], name: "grow")
        }) == "test.onnx: node 'grow' (Expand, opset 17): input of shape [2, 3] does not broadcast with shape [4, 2]")
        #expect(message({ b in
            b.integers("shape", [0, 3])
            b.node("Expand", ["x", "shape"], ["y"], name: "empty")
        }) == "test.onnx: node 'empty' (Expand, opset 17): shape [0, 3] is not supported; supported: a vector of at most 64 dimensions in 1...268435456")
    }

    @Test("ReduceL2 (axes as attribute and as input) and ReduceSum: values, gradients, and gradient 0 at a zero norm")
    func reductions() throws {
        let x = Tensor(shape: [2, 2], scalars: [3, 4, 0, 0])
        for opset: Int64 in [17, 18] {
            var b = ModelBuilder()
            b.opset = opset
            if opset >= 18 {
                b.integers("axes", [1])
                b.node("ReduceL2", ["x", "axes"], ["y"])
            } else {
                b.node("ReduceL2", ["x"], ["y"], [ModelBuilder.attribute("axes", ints: [1])])
            }
            let model = try b.load()
            let (value, gradient) = try valueWithGradient(at: x) { try model($0).sum() }
            #expect(abs(value.scalars[0] - 5) < 1e-6, "opset \(opset)")  // 5 + sqrt(tiny) for the zero row
            #expect(gradient == Tensor(shape: [2, 2], scalars: [0.6, 0.8, 0, 0]), "opset \(opset): x / ||x||, and 0 for the zero row")
        }
        var sum = ModelBuilder()
        sum.integers("axes", [0])
        sum.node("ReduceSum", ["x", "axes"], ["s"], [ModelBuilder.attribute("keepdims", int: 0)])
        sum.integers("none", [])
        sum.node("ReduceL2", ["s", "none"], ["y"], [ModelBuilder.attribute("keepdims", int: 0)])
        sum.opset = 18
        #expect(try sum.load()(Var(constant: x)).value.scalars == [5])  // ||[3, 4]||, all axes
        let random = ONNXGradientTests.awayFromZero([3, 4], seed: 12)
        var chain = ModelBuilder()
        chain.opset = 20
        chain.integers("axes", [1])
        chain.node("ReduceL2", ["x", "axes"], ["norm"])
        chain.node("Div", ["x", "norm"], ["unit"])
        chain.floats("w", [4], [1, -2, 0.5, 3])
        chain.node("Mul", ["unit", "w"], ["scaled"])
        chain.node("ReduceSum", ["scaled", "axes"], ["y"])
        #expect(try ONNXGradientTests.worstError(try chain.load(), input: random, weights: ["w"]) <= 1e-3)
    }

    @Test("ReduceL2 with noop_with_empty_axes 1 and no axes is refused")
    func reduceL2Noop() throws {
        var b = ModelBuilder()
        b.opset = 18
        b.node("ReduceL2", ["x"], ["y"], name: "norm", [ModelBuilder.attribute("noop_with_empty_axes", int: 1)])
        #expect(onnxErrorMessage { try b.load()(Var(constant: Tensor(zeros: [2, 3]))) } ==
            "test.onnx: node 'norm' (ReduceL2, opset 18): noop_with_empty_axes 1 without axes is not supported")
    }
}
