import Foundation
@testable import InvLabONNX
import InvLabTensor
import Testing

/// Forward values of operator settings the PyTorch fixtures do not produce, against values
/// worked out by hand.
@Suite("ONNX operators: values of settings PyTorch does not export")
struct ONNXOperatorValueTests {
    static func run(_ build: (inout ModelBuilder) -> Void, _ x: Tensor, opset: Int64 = 17) throws -> Tensor {
        var builder = ModelBuilder()
        builder.opset = opset
        build(&builder)
        return try builder.load()(Var(constant: x)).value
    }

    static func close(_ a: Tensor, _ b: Tensor) -> Bool {
        a.shape == b.shape && zip(a.scalars, b.scalars).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }
    }

    @Test("Conv with unequal strides keeps every stride-th row and column")
    func unequalStrides() throws {
        let x = Tensor(shape: [1, 1, 3, 5], scalars: (0..<15).map { Float($0) })
        let y = try Self.run({ b in
            b.floats("w", [1, 1, 1, 2], [1, 10])
            b.node("Conv", ["x", "w"], ["y"], [ModelBuilder.attribute("strides", ints: [2, 3])])
        }, x)
        // Rows 0 and 2, windows starting at columns 0 and 3: x[r][c] + 10 * x[r][c + 1].
        #expect(y == Tensor(shape: [1, 1, 2, 2], scalars: [0 + 10, 3 + 40, 10 + 110, 13 + 140]))
    }

    @Test("Shape with start and end, Gather of a scalar index, Unsqueeze and Squeeze; Gather on floats selects rows")
    func shapeArithmetic() throws {
        let x = Tensor(zeros: [2, 3, 1, 5])
        let y = try Self.run({ b in
            b.node("Shape", ["x"], ["dims"], [ModelBuilder.attribute("start", int: 1), ModelBuilder.attribute("end", int: -1)])  // [3, 1]
            b.integers("last", [-1])
            b.node("Gather", ["dims", "last"], ["one"])  // [1]
            b.integers("rest", [-1])
            b.node("Concat", ["one", "rest"], ["shape"], [ModelBuilder.attribute("axis", int: 0)])  // [1, -1]
            b.node("Reshape", ["x", "shape"], ["flat"])  // [1, 30]
            b.node("Squeeze", ["flat"], ["squeezed"])  // [30]
            b.integers("axis", [1])
            b.node("Unsqueeze", ["squeezed", "axis"], ["y"])  // [30, 1]
        }, x)
        #expect(y.shape == [30, 1])
        var builder = ModelBuilder()
        builder.integers("index", [0])
        builder.node("Gather", ["x", "index"], ["y"], name: "rows")
        #expect(try builder.load()(Var(constant: x)).shape == [1, 3, 1, 5])
    }

    @Test("Conv auto_pad SAME_UPPER and SAME_LOWER put the odd padding after and before")
    func samePadding() throws {
        let x = Tensor(shape: [1, 1, 1, 4], scalars: [1, 2, 3, 4])
        func conv(_ mode: String) throws -> Tensor {
            try Self.run({ b in
                b.floats("w", [1, 1, 1, 2], [1, 10])
                var autoPad = Onnx_AttributeProto()
                (autoPad.name, autoPad.type, autoPad.s) = ("auto_pad", .string, Data(mode.utf8))
                b.node("Conv", ["x", "w"], ["y"], [autoPad])
            }, x)
        }
        // One column of padding: after the input (UPPER) or before it (LOWER).
        #expect(try conv("SAME_UPPER") == Tensor(shape: [1, 1, 1, 4], scalars: [21, 32, 43, 4]))
        #expect(try conv("SAME_LOWER") == Tensor(shape: [1, 1, 1, 4], scalars: [10, 21, 32, 43]))
    }

    @Test("Gemm: alpha, beta, transA and a broadcast C")
    func gemm() throws {
        let y = try Self.run({ b in
            b.floats("b", [2, 2], [1, 0, 0, 1])
            b.floats("c", [1], [1])
            b.node("Gemm", ["x", "b", "c"], ["y"], [ModelBuilder.attribute("transA", int: 1),
                                                     ModelBuilder.attribute("alpha", float: 2), ModelBuilder.attribute("beta", float: 3)])
        }, Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]))
        #expect(y == Tensor(shape: [2, 2], scalars: [5, 9, 7, 11]))  // 2 * x^T + 3
    }

    @Test("Softmax along axis 0 and LogSoftmax along axis 1")
    func softmaxAxes() throws {
        let x = Tensor(shape: [2, 2], scalars: [0, 1, 0, 3])
        let soft = try Self.run({ $0.node("Softmax", ["x"], ["y"], [ModelBuilder.attribute("axis", int: 0)]) }, x)
        let e2 = Float(Foundation.exp(2.0))
        #expect(Self.close(soft, Tensor(shape: [2, 2], scalars: [0.5, 1 / (1 + e2), 0.5, e2 / (1 + e2)])))
        let log = try Self.run({ $0.node("LogSoftmax", ["x"], ["y"], [ModelBuilder.attribute("axis", int: 1)]) }, x)
        let l1 = Float(Foundation.log(1 + Foundation.exp(1.0))), l3 = Float(Foundation.log(1 + Foundation.exp(3.0)))
        #expect(Self.close(log, Tensor(shape: [2, 2], scalars: [-l1, 1 - l1, -l3, 3 - l3])))
    }

    @Test("Pad: constant value, crop, and axes as an input (opset 18)")
    func pad() throws {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let padded = try Self.run({ b in
            b.integers("pads", [1, -1, 0, 1])
            b.floats("value", [], [9])
            b.node("Pad", ["x", "pads", "value"], ["y"])
        }, x)
        #expect(padded == Tensor(shape: [3, 3], scalars: [9, 9, 9, 2, 3, 9, 5, 6, 9]))
        let onAxis = try Self.run({ b in
            b.integers("pads", [2, 0])
            b.integers("axes", [-1])
            b.node("Pad", ["x", "pads", "", "axes"], ["y"])
        }, x, opset: 18)
        #expect(onAxis == Tensor(shape: [2, 5], scalars: [0, 0, 1, 2, 3, 0, 0, 4, 5, 6]))
    }

    @Test("ReduceMean: all axes, keepdims 0, noop_with_empty_axes; Clip with a min only")
    func reduceAndClip() throws {
        let x = Tensor(shape: [2, 2], scalars: [1, 2, 3, 6])
        #expect(try Self.run({ $0.node("ReduceMean", ["x"], ["y"], [ModelBuilder.attribute("keepdims", int: 0)]) }, x) == Tensor(3))
        #expect(try Self.run({ $0.node("ReduceMean", ["x"], ["y"], [ModelBuilder.attribute("noop_with_empty_axes", int: 1)]) }, x, opset: 18) == x)
        let clipped = try Self.run({ b in
            b.floats("low", [], [2.5])
            b.node("Clip", ["x", "low"], ["y"])
        }, x)
        #expect(clipped == Tensor(shape: [2, 2], scalars: [2.5, 2.5, 3, 6]))
    }

    @Test("Reshape with 0 and -1 from a concatenation of Constant integers; MatMul of a stack; AveragePool excluding pads")
    func shapes() throws {
        let x = Tensor(shape: [2, 2, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        let y = try Self.run({ b in
            var keep = Onnx_AttributeProto(); keep.name = "value_ints"; keep.type = .ints; keep.ints = [0]
            var rest = Onnx_AttributeProto(); rest.name = "value_ints"; rest.type = .ints; rest.ints = [-1]
            b.node("Constant", [], ["keep"], [keep])
            b.node("Constant", [], ["rest"], [rest])
            b.node("Concat", ["keep", "rest"], ["shape"], [ModelBuilder.attribute("axis", int: 0)])
            b.node("Reshape", ["x", "shape"], ["y"])
        }, x)
        #expect(y == x.reshaped([2, 4]))
        let product = try Self.run({ b in
            b.floats("m", [2], [1, -1])
            b.node("MatMul", ["x", "m"], ["y"])
        }, x)
        #expect(product == Tensor(shape: [2, 2], scalars: [-1, -1, -1, -1]))
        let pooled = try Self.run({ b in
            b.node("AveragePool", ["x"], ["y"], [ModelBuilder.attribute("kernel_shape", ints: [3, 3]),
                                                 ModelBuilder.attribute("pads", ints: [1, 1, 1, 1])])
        }, Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 6]))
        #expect(pooled == Tensor(shape: [1, 1, 2, 2], scalars: [3, 3, 3, 3]))
    }
}
