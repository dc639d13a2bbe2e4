import Foundation
@testable import InvLabONNX
import InvLabIO
import InvLabTensor
import InvLabTestSupport
import Testing

/// Single-node models with the settings PyTorch's exporter never writes (asymmetric pool pads,
/// dilated and ceil-mode pooling, rectangular windows, stacked MatMul with broadcast batch axes,
/// float Gather on any axis), and the operators of MobileNet- and transformer-style classifiers
/// (activations, LayerNormalization, Max/Min, Slice, GlobalMaxPool, depthwise convolutions) run on the engine and on onnxruntime (`scripts/onnxruntime_reference.py`),
/// which must agree to 1e-5 relative error.
@Suite("ONNX executor against onnxruntime: pooling windows, stacked MatMul, float Gather, activations, LayerNormalization, Slice")
struct ONNXExecutorReferenceTests {
    static let unavailableReason: String? = Python3.unavailableReason(
        importing: ["onnxruntime", "numpy"], test: "onnxruntime reference test",
        install: "`make python-test-deps` (onnxruntime)")

    static var isAvailable: Bool {
        if let reason = unavailableReason { print(reason) }
        return unavailableReason == nil
    }

    typealias Case = (name: String, input: [Int], opset: Int64, build: (inout ModelBuilder) -> Void)

    static func pool(_ op: String, kernel: [Int64], strides: [Int64]? = nil, pads: [Int64]? = nil,
                     dilations: [Int64]? = nil, ceil: Bool = false, includePad: Bool = false,
                     autoPad: String? = nil) -> (inout ModelBuilder) -> Void {
        var attributes = [ModelBuilder.attribute("kernel_shape", ints: kernel)]
        if let strides { attributes.append(ModelBuilder.attribute("strides", ints: strides)) }
        if let pads { attributes.append(ModelBuilder.attribute("pads", ints: pads)) }
        if let dilations { attributes.append(ModelBuilder.attribute("dilations", ints: dilations)) }
        if ceil { attributes.append(ModelBuilder.attribute("ceil_mode", int: 1)) }
        if includePad { attributes.append(ModelBuilder.attribute("count_include_pad", int: 1)) }
        if let autoPad {
            var a = Onnx_AttributeProto()
            (a.name, a.type, a.s) = ("auto_pad", .string, Data(autoPad.utf8))
            attributes.append(a)
        }
        return { $0.node(op, ["x"], ["y"], attributes) }
    }

    static func matmul(_ shape: [Int], seed: UInt64, left: Bool = false) -> (inout ModelBuilder) -> Void {
        { b in
            b.floats("w", shape, ONNXGradientTests.random(shape, seed: seed).scalars)
            b.node("MatMul", left ? ["w", "x"] : ["x", "w"], ["y"])
        }
    }

    static func gather(_ indices: [Int64], shape: [Int], axis: Int64) -> (inout ModelBuilder) -> Void {
        { b in
            b.integers("i", indices, shape: shape)
            b.node("Gather", ["x", "i"], ["y"], [ModelBuilder.attribute("axis", int: axis)])
        }
    }

    static var cases: [Case] { [
        ("max_rect_asym", [2, 3, 9, 8], 17, pool("MaxPool", kernel: [3, 2], strides: [2, 1], pads: [1, 0, 0, 1])),
        ("max_dilated_ceil", [1, 2, 10, 9], 17, pool("MaxPool", kernel: [2, 3], strides: [3, 2], pads: [0, 1, 1, 2], dilations: [2, 1], ceil: true)),
        ("max_same_upper", [1, 2, 7, 10], 17, pool("MaxPool", kernel: [3, 2], strides: [2, 3], autoPad: "SAME_UPPER")),
        ("max_same_lower", [1, 1, 8, 5], 17, pool("MaxPool", kernel: [2, 4], strides: [3, 1], autoPad: "SAME_LOWER")),
        ("avg_rect_asym", [2, 3, 9, 8], 17, pool("AveragePool", kernel: [3, 2], strides: [2, 1], pads: [1, 0, 2, 1])),
        ("avg_rect_asym_include", [2, 3, 9, 8], 17, pool("AveragePool", kernel: [3, 2], strides: [2, 1], pads: [1, 0, 2, 1], includePad: true)),
        ("avg_ceil", [1, 2, 9, 10], 17, pool("AveragePool", kernel: [2, 3], strides: [2, 2], pads: [0, 1, 0, 1], ceil: true)),
        ("avg_ceil_include", [1, 2, 9, 10], 17, pool("AveragePool", kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil: true, includePad: true)),
        ("avg_dilated", [1, 2, 9, 8], 19, pool("AveragePool", kernel: [2, 2], strides: [1, 2], pads: [1, 0, 0, 1], dilations: [2, 3])),
        ("matmul_broadcast", [2, 1, 3, 4], 17, matmul([3, 4, 5], seed: 41)),
        ("matmul_equal", [2, 3, 4], 17, matmul([2, 4, 5], seed: 42)),
        ("matmul_matrix_left", [2, 4, 3], 17, matmul([5, 4], seed: 43, left: true)),
        ("matmul_vector_left", [2, 4, 3], 17, matmul([4], seed: 44, left: true)),
        ("matmul_vector_right", [4], 17, matmul([3, 1, 4, 2], seed: 45)),
        ("gather_axis1", [2, 3, 4, 5], 17, gather([2, -1, 0, 0], shape: [2, 2], axis: 1)),
        ("gather_last", [2, 3, 4, 5], 17, gather([4, -5, 1], shape: [3], axis: -1)),
        ("gather_scalar", [2, 3, 4], 17, gather([1], shape: [], axis: 2)),
    ] + activationCases }

    /// The activations, LayerNormalization, Max/Min, Slice and GlobalMaxPool.
    static var activationCases: [Case] {
        let unary: [(String, [Onnx_AttributeProto])] = [
            ("Neg", []), ("Abs", []), ("Exp", []), ("Erf", []), ("Softplus", []), ("HardSwish", []),
            ("Elu", [ModelBuilder.attribute("alpha", float: 0.7)]),
            ("HardSigmoid", [ModelBuilder.attribute("alpha", float: 0.3), ModelBuilder.attribute("beta", float: 0.4)]),
        ]
        var cases: [Case] = unary.map { op, attributes in
            ("unary_\(op)", [2, 3, 4], 17, { $0.node(op, ["x"], ["y"], attributes) })
        }
        cases.append(("log", [2, 5], 17, { b in
            b.node("Abs", ["x"], ["a"])
            b.node("Log", ["a"], ["y"])
        }))
        cases.append(("layer_norm", [2, 3, 4, 5], 17, { b in
            b.floats("scale", [4, 5], ONNXGradientTests.random([4, 5], seed: 46).scalars)
            b.floats("bias", [5], ONNXGradientTests.random([5], seed: 47).scalars)
            b.node("LayerNormalization", ["x", "scale", "bias"], ["y"],
                   [ModelBuilder.attribute("axis", int: -2), ModelBuilder.attribute("epsilon", float: 1e-3)])
        }))
        cases.append(("max_three", [2, 3, 4], 17, { b in
            b.floats("m", [3, 1], ONNXGradientTests.random([3, 1], seed: 48).scalars)
            b.floats("n", [4], ONNXGradientTests.random([4], seed: 49).scalars)
            b.node("Max", ["x", "m", "n"], ["y"])
        }))
        cases.append(("min_two", [2, 3, 4], 17, { b in
            b.floats("m", [4], ONNXGradientTests.random([4], seed: 50).scalars)
            b.node("Min", ["x", "m"], ["y"])
        }))
        cases.append(("slice_steps", [3, 4, 9, 7], 17, { b in
            b.integers("starts", [1, -8, 0])
            b.integers("ends", [Int64.max, 8, -1])
            b.integers("axes", [1, 2, -1])
            b.integers("steps", [2, 3, 1])
            b.node("Slice", ["x", "starts", "ends", "axes", "steps"], ["y"])
        }))
        cases.append(("global_max", [2, 3, 5, 4], 17, { $0.node("GlobalMaxPool", ["x"], ["y"]) }))
        // Depthwise convolutions (one direct kernel): a channel multiplier of 2 with stride 2 and
        // asymmetric pads, and a dilated one.
        cases.append(("depthwise_multiplier", [2, 3, 9, 8], 17, { b in
            b.floats("w", [6, 1, 3, 3], ONNXGradientTests.random([6, 1, 3, 3], seed: 51).scalars)
            b.floats("b", [6], ONNXGradientTests.random([6], seed: 52).scalars)
            b.node("Conv", ["x", "w", "b"], ["y"], [ModelBuilder.attribute("group", int: 3), ModelBuilder.attribute("strides", ints: [2, 2]),
                                                     ModelBuilder.attribute("pads", ints: [1, 0, 2, 1])])
        }))
        cases.append(("depthwise_dilated", [1, 4, 8, 9], 17, { b in
            b.floats("w", [4, 1, 3, 3], ONNXGradientTests.random([4, 1, 3, 3], seed: 53).scalars)
            b.node("Conv", ["x", "w"], ["y"], [ModelBuilder.attribute("group", int: 4), ModelBuilder.attribute("dilations", ints: [2, 2]),
                                                ModelBuilder.attribute("pads", ints: [2, 2, 2, 2])])
        }))
        // Opsets 11 and 12: Softmax and LogSoftmax over the input flattened at `axis`, Squeeze,
        // Unsqueeze and ReduceSum with their axes as attributes.
        cases.append(("softmax_opset12", [2, 3, 4], 12, { $0.node("Softmax", ["x"], ["y"], [ModelBuilder.attribute("axis", int: 1)]) }))
        cases.append(("logsoftmax_opset11_default", [2, 3, 2, 2], 11, { $0.node("LogSoftmax", ["x"], ["y"]) }))
        cases.append(("softmax_opset11_negative", [2, 3, 4], 11, { $0.node("Softmax", ["x"], ["y"], [ModelBuilder.attribute("axis", int: -1)]) }))
        cases.append(("axes_attributes_opset11", [2, 3, 4], 11, { b in
            b.node("Unsqueeze", ["x"], ["u"], [ModelBuilder.attribute("axes", ints: [0, 3])])
            b.node("ReduceSum", ["u"], ["r"], [ModelBuilder.attribute("axes", ints: [2]), ModelBuilder.attribute("keepdims", int: 1)])
            b.node("Squeeze", ["r"], ["y"], [ModelBuilder.attribute("axes", ints: [0, 2])])
        }))
        // Split: sizes as an input (13), as an attribute (11), equal parts with a smaller last one (18).
        cases.append(("split_sizes", [2, 7, 3], 13, { b in
            b.integers("sizes", [2, 4, 1])
            b.node("Split", ["x", "sizes"], ["a", "b", "c"], [ModelBuilder.attribute("axis", int: 1)])
            b.node("Concat", ["c", "a", "b"], ["y"], [ModelBuilder.attribute("axis", int: 1)])
        }))
        cases.append(("split_attribute_opset11", [2, 3, 6], 11, { b in
            b.node("Split", ["x"], ["a", "b"], [ModelBuilder.attribute("axis", int: -1), ModelBuilder.attribute("split", ints: [4, 2])])
            b.node("Concat", ["b", "a"], ["y"], [ModelBuilder.attribute("axis", int: -1)])
        }))
        cases.append(("split_uneven_opset18", [7, 2], 18, { b in
            b.node("Split", ["x"], ["a", "b", "c"], [ModelBuilder.attribute("num_outputs", int: 3)])
            b.node("Concat", ["c", "b", "a"], ["y"], [ModelBuilder.attribute("axis", int: 0)])
        }))
        return cases
    }

    @Test("The engine gives onnxruntime's outputs within 1e-5",
          .enabled(if: ONNXExecutorReferenceTests.isAvailable, "needs python3 with onnxruntime and numpy"))
    func onnxruntime() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("invlab-ort-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var engine: [String: Tensor] = [:]
        for (index, item) in Self.cases.enumerated() {
            var builder = ModelBuilder()
            builder.opset = item.opset
            item.build(&builder)
            let x = ONNXGradientTests.random(item.input, seed: 50 + UInt64(index))
            try builder.serialized().write(to: directory.appendingPathComponent("\(item.name).onnx"))
            try NPYFile.write(x, to: directory.appendingPathComponent("\(item.name)_x.npy"))
            engine[item.name] = try builder.load(path: "\(item.name).onnx")(Var(constant: x)).value
        }
        let script = ONNXBridge.packageRoot.appendingPathComponent("scripts/onnxruntime_reference.py")
        let result = Python3.run([script.path, directory.path])
        try #require(result.status == 0, "onnxruntime_reference.py failed:\n\(result.output)")
        for item in Self.cases {
            let reference = try NPYFile.read(contentsOf: directory.appendingPathComponent("\(item.name)_y.npy"))
            let error = ONNXFidelityTests.relativeError(engine[item.name]!, reference)
            #expect(error <= 1e-5, "\(item.name): engine \(engine[item.name]!.shape), onnxruntime \(reference.shape), relative error \(error)")
        }
    }
}
