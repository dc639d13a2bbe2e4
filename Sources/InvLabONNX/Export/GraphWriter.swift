import Foundation
import InvLabNN
import InvLabTensor

/// Translates invlab layers into ONNX nodes, one layer kind at a time, collecting the nodes and
/// the initializers (the model's tensors under their invlab names) of the graph being written.
///
/// Mapping (evaluation mode): `Linear` -> Gemm (transB), `Conv2d` -> Conv, `Activation` ->
/// Relu / LeakyRelu / Tanh / Sigmoid / Softplus, `Pool2d` -> MaxPool / AveragePool,
/// `GlobalAveragePool` -> GlobalAveragePool + Flatten, `BatchNorm` -> BatchNormalization
/// (running statistics), `Flatten` -> Flatten, `Unflatten` -> Reshape, `ResidualBlock` -> its
/// convolutions and batch norms, Add and Relu, `VariationalBottleneck` (MID) -> Gemm and a
/// MatMul that keeps the mean; `Dropout` is the identity and is left out.
struct GraphWriter {
    let state: ModelState
    private(set) var nodes: [Onnx_NodeProto] = []
    private(set) var initializers: [Onnx_TensorProto] = []
    private var written: Set<String> = []

    init(state: ModelState) { self.state = state }

    /// Appends the nodes of `layer` applied to the value `input`; returns the output's name.
    mutating func emit(_ layer: any Layer, input: String, prefix: String) throws -> String {
        switch layer {
        case let sequential as Sequential:
            var current = input
            for (index, child) in sequential.layers.enumerated() {
                current = try emit(child, input: current, prefix: qualifiedName(prefix, String(index)))
            }
            return current
        case let linear as Linear:
            let inputs = [input, try weight(prefix, "weight")] + (linear.hasBias ? [try weight(prefix, "bias")] : [])
            return node("Gemm", inputs, prefix: prefix, [Self.attribute("transB", int: 1)])
        case let conv as Conv2d:
            let inputs = [input, try weight(prefix, "weight")] + (conv.hasBias ? [try weight(prefix, "bias")] : [])
            return node("Conv", inputs, prefix: prefix, [
                Self.attribute("kernel_shape", ints: [conv.kernel, conv.kernel]),
                Self.attribute("strides", ints: [conv.stride, conv.stride]),
                Self.attribute("pads", ints: Array(repeating: conv.padding, count: 4)),
            ])
        case let activation as Activation:
            switch activation.kind {
            case .relu: return node("Relu", [input], prefix: prefix)
            case .leakyRelu(let slope): return node("LeakyRelu", [input], prefix: prefix, [Self.attribute("alpha", float: slope)])
            case .tanh: return node("Tanh", [input], prefix: prefix)
            case .sigmoid: return node("Sigmoid", [input], prefix: prefix)
            case .softplus: return node("Softplus", [input], prefix: prefix)
            }
        case is Dropout:
            return input
        case let pool as Pool2d:
            var attributes = [Self.attribute("kernel_shape", ints: [pool.kernel, pool.kernel]),
                              Self.attribute("strides", ints: [pool.stride, pool.stride]),
                              Self.attribute("pads", ints: Array(repeating: pool.padding, count: 4))]
            // invlab's average pooling divides by the full window, padding included (PyTorch's default).
            if pool.kind == .average { attributes.append(Self.attribute("count_include_pad", int: 1)) }
            return node(pool.kind == .max ? "MaxPool" : "AveragePool", [input], prefix: prefix, attributes)
        case is GlobalAveragePool:
            let pooled = node("GlobalAveragePool", [input], prefix: prefix)
            return node("Flatten", [pooled], prefix: prefix, [Self.attribute("axis", int: 1)])
        case let norm as BatchNorm:
            let inputs = [input] + (try ["weight", "bias", "running_mean", "running_var"].map { try weight(prefix, $0) })
            return node("BatchNormalization", inputs, prefix: prefix, [Self.attribute("epsilon", float: norm.epsilon)])
        case is Flatten:
            return node("Flatten", [input], prefix: prefix, [Self.attribute("axis", int: 1)])
        case let unflatten as Unflatten:
            let shapeName = qualifiedName(prefix, "shape")
            integerInitializer(shapeName, [0] + unflatten.shape.map(Int64.init))
            return node("Reshape", [input, shapeName], prefix: prefix)
        case let block as ResidualBlock:
            return try emitResidual(block, input: input, prefix: prefix)
        case let bottleneck as VariationalBottleneck:
            // Evaluation mode returns the mean mu, the first `bottleneck` outputs of the
            // projection: Gemm, then MatMul by a constant 0/1 selection matrix (exact; invlab's
            // tensors stay whole under their own names).
            let statistics = node("Gemm", [input, try weight(prefix, "weight"), try weight(prefix, "bias")], prefix: prefix,
                                  [Self.attribute("transB", int: 1)])
            let k = bottleneck.bottleneck
            let selectionName = qualifiedName(prefix, "mean_selection")
            floatInitializer(selectionName, Tensor(shape: [2 * k, k], scalars: (0..<(2 * k * k)).map { $0 / k == $0 % k ? 1 : 0 }))
            return node("MatMul", [statistics, selectionName], prefix: prefix)
        default:
            throw ONNXError("cannot export layer \(layer.summary) (at '\(prefix.isEmpty ? "root" : prefix)') to ONNX: "
                + "no ONNX mapping for \(type(of: layer)); exportable layers: Linear, Conv2d, Activation, Dropout, Pool2d, "
                + "GlobalAveragePool, BatchNorm, Flatten, Unflatten, ResidualBlock, VariationalBottleneck, Sequential")
        }
    }

    /// conv1-bn1-ReLU-conv2-bn2, plus the input (through the 1x1 projection when the shape
    /// changes), then ReLU: the same computation as `ResidualBlock.forward`.
    private mutating func emitResidual(_ block: ResidualBlock, input: String, prefix: String) throws -> String {
        var y = try emit(block.conv1, input: input, prefix: qualifiedName(prefix, "conv1"))
        y = try emit(BatchNorm(block.outputChannels), input: y, prefix: qualifiedName(prefix, "bn1"))
        y = node("Relu", [y], prefix: qualifiedName(prefix, "relu1"))
        y = try emit(block.conv2, input: y, prefix: qualifiedName(prefix, "conv2"))
        y = try emit(BatchNorm(block.outputChannels), input: y, prefix: qualifiedName(prefix, "bn2"))
        let skip = block.needsProjection ? try emit(block.shortcut, input: input, prefix: qualifiedName(prefix, "shortcut")) : input
        let sum = node("Add", [y, skip], prefix: qualifiedName(prefix, "add"))
        return node("Relu", [sum], prefix: qualifiedName(prefix, "relu2"))
    }

    /// Adds the model tensor `prefix.name` as an initializer (once) and returns its name.
    private mutating func weight(_ prefix: String, _ name: String) throws -> String {
        let full = qualifiedName(prefix, name)
        guard let tensor = state.parameters[full] ?? state.buffers[full] else {
            throw ONNXError("cannot export: the network has no tensor '\(full)'")
        }
        if written.insert(full).inserted {
            floatInitializer(full, tensor)
        }
        return full
    }

    private mutating func floatInitializer(_ name: String, _ tensor: Tensor) {
        var proto = Onnx_TensorProto()
        proto.name = name
        proto.dims = tensor.shape.map(Int64.init)
        proto.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        // raw_data is little-endian, as the scalars are on every platform invlab runs on.
        proto.rawData = tensor.withUnsafeBufferPointer { Data(buffer: $0) }
        initializers.append(proto)
    }

    private mutating func integerInitializer(_ name: String, _ values: [Int64]) {
        var proto = Onnx_TensorProto()
        proto.name = name
        proto.dims = [Int64(values.count)]
        proto.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        proto.int64Data = values
        initializers.append(proto)
    }

    /// Appends a node named after the layer (`prefix/Op`) with one output; returns the output's name.
    @discardableResult
    mutating func node(_ op: String, _ inputs: [String], prefix: String, _ attributes: [Onnx_AttributeProto] = []) -> String {
        let name = "\(prefix.isEmpty ? "root" : prefix)/\(op)_\(nodes.count)"
        node(op, inputs, [name], name: name, attributes)
        return name
    }

    mutating func node(_ op: String, _ inputs: [String], _ outputs: [String], name: String, _ attributes: [Onnx_AttributeProto] = []) {
        var proto = Onnx_NodeProto()
        proto.opType = op
        proto.name = name
        proto.input = inputs
        proto.output = outputs
        proto.attribute = attributes
        nodes.append(proto)
    }

    static func attribute(_ name: String, int: Int) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto(); a.name = name; a.type = .int; a.i = Int64(int); return a
    }

    static func attribute(_ name: String, ints: [Int]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto(); a.name = name; a.type = .ints; a.ints = ints.map(Int64.init); return a
    }

    static func attribute(_ name: String, float: Float) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto(); a.name = name; a.type = .float; a.f = float; return a
    }
}
