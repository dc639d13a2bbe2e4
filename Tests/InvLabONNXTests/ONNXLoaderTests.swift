import Foundation
@testable import InvLabONNX
import InvLabTensor
import Testing

/// Loading refuses every malformed or unsupported model with an exact, explanatory message, and
/// never traps, whatever the bytes.
@Suite("ONNX loader: checks and error messages")
struct ONNXLoaderTests {
    /// y = Relu(x), the smallest valid model.
    static var relu: ModelBuilder {
        var builder = ModelBuilder()
        builder.node("Relu", ["x"], ["y"], name: "relu")
        return builder
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("invlab-onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("An unsupported operator is named with its node and opset, and the supported ones are listed")
    func unknownOperator() {
        var builder = Self.relu
        builder.node("Einsum", ["y"], ["z"], name: "attention/einsum")
        builder.outputs = ["z"]
        #expect(onnxErrorMessage { try builder.load() } ==
            "test.onnx: node 'attention/einsum' has operator Einsum (opset 17), which is not supported; supported operators: "
            + "Abs, Add, AveragePool, BatchNormalization, Cast, CastLike, Clip, Concat, Constant, Conv, Div, Dropout, Elu, "
            + "Erf, Exp, Expand, Flatten, Gather, Gemm, GlobalAveragePool, GlobalMaxPool, HardSigmoid, HardSwish, Identity, "
            + "LayerNormalization, LeakyRelu, Log, LogSoftmax, MatMul, Max, MaxPool, Min, Mul, Neg, PRelu, Pad, Pow, "
            + "ReduceL2, ReduceMean, ReduceSum, Relu, Reshape, Shape, Sigmoid, Slice, Softmax, Softplus, Split, Sqrt, Squeeze, Sub, "
            + "Tanh, Transpose, Unsqueeze")
    }

    @Test("Operators of another domain are refused")
    func otherDomain() {
        var builder = Self.relu
        builder.nodes[0].domain = "com.microsoft"
        #expect(onnxErrorMessage { try builder.load() } ==
            "test.onnx: node 'relu' (op Relu) is in domain 'com.microsoft'; only the default ONNX domain (opsets 11-23) is supported")
    }

    @Test("Opsets outside 11-23 are refused", arguments: [Int64(10), 24])
    func opset(_ version: Int64) {
        var builder = Self.relu
        builder.opset = version
        #expect(onnxErrorMessage { try builder.load() } == "test.onnx: opset \(version) is not supported; supported opsets: 11-23")
    }

    @Test("An operator the declared opset does not have yet is refused")
    func operatorTooNew() {
        var builder = Self.relu
        builder.opset = 16
        builder.floats("scale", [1], [1])
        builder.node("LayerNormalization", ["y", "scale"], ["z"], name: "norm")
        builder.outputs = ["z"]
        #expect(onnxErrorMessage { try builder.load() }
            == "test.onnx: node 'norm' has operator LayerNormalization, which ONNX has from opset 17; the model declares opset 16")
    }

    @Test("A cycle is reported with the nodes on it, not those downstream")
    func cycle() {
        var builder = ModelBuilder()
        builder.node("Add", ["x", "b"], ["a"], name: "first")
        builder.node("Relu", ["a"], ["b"], name: "second")
        builder.node("Identity", ["a"], ["y"], name: "after")
        #expect(onnxErrorMessage { try builder.load() } ==
            "test.onnx: the graph has a cycle through node(s) 'first' (Add), 'second' (Relu)")
    }

    @Test("Nodes out of order are sorted; inputs nobody produces and values produced twice are refused")
    func graphOrder() throws {
        var builder = ModelBuilder()
        builder.node("Sigmoid", ["h"], ["y"], name: "late")
        builder.node("Relu", ["x"], ["h"], name: "early")
        let model = try builder.load()
        let y = try model(Var(constant: Tensor([-1, 2]))).value.scalars
        #expect(y.count == 2 && y[0] == 0.5 && abs(y[1] - 0.880797) < 1e-6, "sigmoid(relu(x)) = \(y)")

        var missing = Self.relu
        missing.node("Add", ["y", "nothing"], ["z"], name: "add")
        #expect(onnxErrorMessage { try missing.load() } ==
            "test.onnx: node 'add' (Add) reads 'nothing', which is neither a graph input, an initializer nor the output of a node")

        var twice = Self.relu
        twice.node("Tanh", ["x"], ["y"], name: "again")
        #expect(onnxErrorMessage { try twice.load() } == "test.onnx: value 'y' is produced twice (again by node 'again' (Tanh))")

        // Fuzz/regression/onnx/crash-72e021de14d32a81: two graph inputs named 'x' (and two
        // initializers named 'w') were accepted, and feeding the inputs by name trapped.
        var twoInputs = Self.relu
        twoInputs.inputs = [("x", [2]), ("x", [2])]
        #expect(onnxErrorMessage { try twoInputs.load() } == "test.onnx: graph input 'x' is declared twice")
        var twoWeights = Self.relu
        twoWeights.floats("w", [1], [1])
        twoWeights.floats("w", [1], [2])
        #expect(onnxErrorMessage { try twoWeights.load() } == "test.onnx: initializer 'w' is stored twice")

        var noOutput = Self.relu
        noOutput.outputs = ["w"]
        #expect(onnxErrorMessage { try noOutput.load() } == "test.onnx: graph output 'w' is not produced by any node")
    }

    @Test("Every prefix of a model file either loads or fails with an ONNXError (no trap)")
    func truncated() throws {
        var builder = Self.relu
        builder.floats("w", [2, 3], [1, 2, 3, 4, 5, 6])
        builder.node("Mul", ["y", "w"], ["z"], name: "scale")
        builder.outputs = ["z"]
        let data = try builder.serialized()
        var failures = 0
        for length in 0..<data.count {
            if onnxErrorMessage({ try ONNXModel(serialized: data.prefix(length), path: "cut.onnx") }) != nil { failures += 1 }
        }
        #expect(failures == data.count, "every strict prefix lacks the graph's tail")

        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("half.onnx")
        try data.prefix(data.count / 2).write(to: file)
        let message = onnxErrorMessage { try ONNXModel(contentsOf: file.path) } ?? ""
        #expect(message.hasPrefix("\(file.path): not a valid ONNX model (protobuf decoding failed: "), "\(message)")
        #expect(message.hasSuffix("); is the file truncated?"), "\(message)")
        #expect(onnxErrorMessage { try ONNXModel(contentsOf: directory.appendingPathComponent("absent.onnx").path) }?
            .hasPrefix("\(directory.path)/absent.onnx: cannot read the file (") == true)
    }

    @Test("Random bytes and bit flips of a valid model never trap")
    func corrupted() throws {
        var builder = Self.relu
        builder.floats("w", [4], [1, 2, 3, 4])
        builder.node("Add", ["y", "w"], ["z"], name: "shift")
        builder.outputs = ["z"]
        let data = try builder.serialized()
        var generator = SeededGenerator(seed: 11)
        for trial in 0..<400 {
            var bytes = [UInt8](data)
            for _ in 0..<(1 + trial % 4) { bytes[generator.nextInt(below: bytes.count)] ^= UInt8(1 << generator.nextInt(below: 8)) }
            if let model = try? ONNXModel(serialized: Data(bytes), path: "flip.onnx") {
                _ = try? model(Var(constant: Tensor(repeating: 1, shape: [4])))
            }
        }
    }

    @Test("Initializers of unsupported type, impossible size or wrong length are refused")
    func initializers() {
        var half = Self.relu
        half.floats("w", [2], [1, 2])
        half.initializers[0].dataType = Int32(Onnx_TensorProto.DataType.float16.rawValue)
        #expect(onnxErrorMessage { try half.load() } == "test.onnx: initializer 'w' has data type FLOAT16 (10); supported: FLOAT, DOUBLE, INT32, INT64")

        var huge = Self.relu
        huge.floats("w", [], [])
        huge.initializers[0].dims = [1 << 40, 1 << 40]
        #expect(onnxErrorMessage { try huge.load() } ==
            "test.onnx: initializer 'w' has dimension 1099511627776 in shape [1099511627776, 1099511627776]; dimensions must be 0...2147483648")
        huge.initializers[0].dims = [1 << 20, 1 << 20]
        #expect(onnxErrorMessage { try huge.load() } == "test.onnx: initializer 'w' of shape [1048576, 1048576] has more than 2147483648 elements")
        huge.initializers[0].dims = [-1]
        #expect(onnxErrorMessage { try huge.load() } == "test.onnx: initializer 'w' has dimension -1 in shape [-1]; dimensions must be 0...2147483648")

        var short = Self.relu
        short.floats("w", [2, 3], [1, 2, 3, 4, 5])
        #expect(onnxErrorMessage { try short.load() } == "test.onnx: initializer 'w' of shape [2, 3] needs 24 bytes of FLOAT data, found 20")
        short.initializers[0].clearRawData()
        short.initializers[0].floatData = [1, 2]
        #expect(onnxErrorMessage { try short.load() } == "test.onnx: initializer 'w' of shape [2, 3] needs 6 FLOAT values, found 2")
    }

    /// A model whose initializer `w` (3 floats) is stored in `location` at `offset`.
    static func external(location: String, offset: Int = 0) -> ModelBuilder {
        var builder = Self.relu
        builder.floats("w", [3], [])
        builder.initializers[0].clearRawData()
        builder.initializers[0].dataLocation = .external
        builder.initializers[0].externalData = [("location", location), ("offset", "\(offset)"), ("length", "12")].map {
            var entry = Onnx_StringStringEntryProto()
            (entry.key, entry.value) = ($0.0, $0.1)
            return entry
        }
        builder.node("Add", ["y", "w"], ["z"], name: "shift")
        builder.outputs = ["z"]
        return builder
    }

    @Test("External data is read relative to the model; a missing, short or escaping file is refused")
    func externalData() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("m.onnx").path
        let values: [Float] = [0, 0, 1, -2, 3]  // w at byte offset 8
        try values.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: directory.appendingPathComponent("m.data"))

        let model = try ONNXModel(serialized: try Self.external(location: "m.data", offset: 8).serialized(), path: path)
        #expect(model.weight("w") == Tensor([1, -2, 3]))
        #expect(try model(Var(constant: Tensor([1, 1, -1]))).value == Tensor([2, -1, 3]))

        #expect(onnxErrorMessage { try ONNXModel(serialized: try Self.external(location: "gone.bin").serialized(), path: path) } ==
            "\(path): initializer 'w' is stored in external data file 'gone.bin', which cannot be opened (looked for \(directory.path)/gone.bin)")
        #expect(onnxErrorMessage { try ONNXModel(serialized: try Self.external(location: "m.data", offset: 12).serialized(), path: path) } ==
            "\(path): initializer 'w' reads bytes 12..<24 of external data file 'm.data', which has 20 bytes")
        #expect(onnxErrorMessage { try ONNXModel(serialized: try Self.external(location: "../m.data").serialized(), path: path) } ==
            "\(path): initializer 'w' has external data location '../m.data', which leaves the model's directory")
    }

    @Test("Run-time checks: missing or mis-shaped inputs, shapes that do not fit an operator")
    func runtimeErrors() throws {
        var builder = Self.relu
        builder.inputs = [("x", [2, 3])]
        let model = try builder.load()
        #expect(onnxErrorMessage { try model.run([:]) } == "test.onnx: graph input 'x' is not given; the model's inputs: x")
        #expect(onnxErrorMessage { try model(Var(constant: Tensor(zeros: [3, 2]))) } ==
            "test.onnx: graph input 'x' has shape [3, 2], the model declares [2, 3]")

        var add = ModelBuilder()
        add.floats("b", [4], [1, 2, 3, 4])
        add.node("Add", ["x", "b"], ["y"], name: "bias")
        #expect(onnxErrorMessage { try add.load()(Var(constant: Tensor(zeros: [2, 3]))) } ==
            "test.onnx: node 'bias' (Add, opset 17): shapes [2, 3] and [4] do not broadcast")

        var conv = ModelBuilder()
        conv.floats("w", [1, 1, 2, 2], [1, 2, 3, 4])
        conv.node("Conv", ["x", "w"], ["y"], name: "conv", [ModelBuilder.attribute("strides", ints: [1, 0])])
        #expect(onnxErrorMessage { try conv.load()(Var(constant: Tensor(zeros: [1, 1, 4, 4]))) } ==
            "test.onnx: node 'conv' (Conv, opset 17): strides [1, 0] are not supported; supported: two values in 1...65536")
        conv.nodes[0].attribute = []
        #expect(onnxErrorMessage { try conv.load()(Var(constant: Tensor(zeros: [1, 2, 4, 4]))) } ==
            "test.onnx: node 'conv' (Conv, opset 17): input [1, 2, 4, 4], weight [1, 1, 2, 2] and group 1 do not match")

        var reshape = ModelBuilder()
        reshape.integers("shape", [5, -1])
        reshape.node("Reshape", ["x", "shape"], ["y"], name: "view")
        #expect(onnxErrorMessage { try reshape.load()(Var(constant: Tensor(zeros: [2, 3]))) } ==
            "test.onnx: node 'view' (Reshape, opset 17): cannot reshape [2, 3] to [5, -1]")

        var clip = ModelBuilder()
        clip.floats("low", [], [1])
        clip.floats("high", [], [0])
        clip.node("Clip", ["x", "low", "high"], ["y"], name: "clamp")
        #expect(onnxErrorMessage { try clip.load()(Var(constant: Tensor(zeros: [2]))) } ==
            "test.onnx: node 'clamp' (Clip, opset 17): min 1.0 exceeds max 0.0")
    }
}

/// Attribute values chosen to break naive arithmetic are refused with messages, not traps.
@Suite("ONNX operators: hostile attributes")
struct ONNXHostileAttributeTests {
    @Test("Extreme integers, crops larger than the axis, paddings too large to allocate")
    func extremes() throws {
        var axis = ModelBuilder()
        axis.node("Flatten", ["x"], ["y"], name: "flat", [ModelBuilder.attribute("axis", int: .min)])
        #expect(onnxErrorMessage { try axis.load()(Var(constant: Tensor(zeros: [2, 2]))) } ==
            "test.onnx: node 'flat' (Flatten, opset 17): attribute 'axis' = -9223372036854775808 is out of range")

        var crop = ModelBuilder()
        crop.integers("pads", [-3, 0])
        crop.node("Pad", ["x", "pads"], ["y"], name: "crop")
        #expect(onnxErrorMessage { try crop.load()(Var(constant: Tensor(zeros: [2]))) } ==
            "test.onnx: node 'crop' (Pad, opset 17): pads [-3] + [0] are out of range for shape [2]")
        crop.initializers[0].int64Data = [.min, .max]
        #expect(onnxErrorMessage { try crop.load()(Var(constant: Tensor(zeros: [2]))) } ==
            "test.onnx: node 'crop' (Pad, opset 17): pads [-9223372036854775808] + [9223372036854775807] add more than 1024 elements "
            + "on a side of shape [2]; supported: at most 1024 (negative pads crop)")
        crop.initializers[0].int64Data = [.min, 0]
        #expect(onnxErrorMessage { try crop.load()(Var(constant: Tensor(zeros: [2]))) } ==
            "test.onnx: node 'crop' (Pad, opset 17): pads [-9223372036854775808] + [0] are out of range for shape [2]")
        // Fuzz/regression/onnx/timeout-ae23df29c48b5f99: 8388608 rows of padding on a 6 x 3 tensor
        // (under the element limit, but minutes of work for every later operator under ASan).
        crop.initializers[0].int64Data = [1025, 0]
        #expect(onnxErrorMessage { try crop.load()(Var(constant: Tensor(zeros: [2]))) } ==
            "test.onnx: node 'crop' (Pad, opset 17): pads [1025] + [0] add more than 1024 elements on a side of shape [2]; "
            + "supported: at most 1024 (negative pads crop)")
        crop.initializers[0].int64Data = [1024, -1]
        #expect(try crop.load()(Var(constant: Tensor(zeros: [2]))).shape == [1025])

        var outer = ModelBuilder()
        outer.floats("row", [1, 20000], [Float](repeating: 1, count: 20000))
        outer.node("Mul", ["x", "row"], ["y"], name: "outer")
        #expect(onnxErrorMessage { try outer.load()(Var(constant: Tensor(zeros: [20000, 1]))) } ==
            "test.onnx: node 'outer' (Mul, opset 17): shapes [20000, 1] and [1, 20000] broadcast to [20000, 20000], more than 268435456 elements")

        var empty = ModelBuilder()
        empty.floats("w", [0, 1, 1, 1], [])
        empty.node("Conv", ["x", "w"], ["y"], name: "conv")
        #expect(onnxErrorMessage { try empty.load()(Var(constant: Tensor(zeros: [1, 1, 2, 2]))) } ==
            "test.onnx: node 'conv' (Conv, opset 17): empty input [1, 1, 2, 2] or weight [0, 1, 1, 1]")

        var product = ModelBuilder()
        product.floats("m", [1, 20000], [Float](repeating: 1, count: 20000))
        product.node("MatMul", ["x", "m"], ["y"], name: "outer")
        #expect(onnxErrorMessage { try product.load()(Var(constant: Tensor(zeros: [20000, 1]))) } ==
            "test.onnx: node 'outer' (MatMul, opset 17): a product of 20000 x 1 and 1 x 20000 matrices is not supported "
            + "(empty, or more than 268435456 result elements)")

        var conv = ModelBuilder()
        conv.floats("w", [1, 1, 1, 1], [1])
        conv.node("Conv", ["x", "w"], ["y"], name: "conv", [ModelBuilder.attribute("pads", ints: [60000, 60000, 60000, 60000])])
        #expect(onnxErrorMessage { try conv.load()(Var(constant: Tensor(zeros: [1, 1, 2, 2]))) } ==
            "test.onnx: node 'conv' (Conv, opset 17): pads [60000, 60000, 60000, 60000] are not supported; supported: four values in 0...1024")
    }
}
