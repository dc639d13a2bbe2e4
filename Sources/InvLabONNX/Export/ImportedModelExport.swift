import Foundation
import InvLabIO
import InvLabNN
import InvLabTensor
import SwiftProtobuf

/// A layer that runs an imported ONNX model (the `onnx` recognizer's layer). Its parameters are
/// the model's floating-point initializers, named `<prefix>.<initializer>`.
///
/// `NetworkExport` cannot translate such a layer into nodes the way it does invlab's own layers,
/// and need not: a network that is one imported model is exported as that model's own graph
/// with the network's current weights (the fine-tuned ones, or the file's when nothing was trained).
public protocol ImportedONNXLayer: Layer {
    /// The model the layer runs.
    var importedModel: ONNXModel { get }
}

extension NetworkExport {
    /// The imported layer of `network` and its parameter prefix, when the network is one imported
    /// model (the layer itself, or the only layer of a `Sequential`, as the `onnx` recognizer builds it).
    public static func importedLayer(of network: Network) -> (layer: any ImportedONNXLayer, prefix: String)? {
        if let layer = network.root as? any ImportedONNXLayer { return (layer, "") }
        if let sequential = network.root as? Sequential, sequential.layers.count == 1,
           let layer = sequential.layers[0] as? any ImportedONNXLayer {
            return (layer, qualifiedName("", "0"))
        }
        return nil
    }

    /// The weights of an imported model by initializer name (as in the .onnx file, so that they
    /// load into the PyTorch module it was exported from when the exporter kept the names).
    public static func importedWeights(_ network: Network) throws -> [String: Tensor]? {
        guard let (layer, prefix) = importedLayer(of: network) else { return nil }
        var weights: [String: Tensor] = [:]
        for name in layer.importedModel.weightNames {
            guard let tensor = network.state.parameters[qualifiedName(prefix, name)] else {
                throw ONNXError("\(layer.importedModel.path): the network holds no weight '\(qualifiedName(prefix, name))' for initializer '\(name)'")
            }
            weights[name] = tensor
        }
        return weights
    }

    /// The imported model's file read again, every floating-point initializer replaced by
    /// `weights` (FLOAT stays FLOAT; DOUBLE is written back from the engine's float32 values)
    /// and external data read into the file, so that the result is one self-contained model.
    static func importedModelProto(_ model: ONNXModel, weights: [String: Tensor]) throws -> Onnx_ModelProto {
        let path = model.path
        var proto = try ONNXModel.decodeProto(try ONNXModel.fileData(path, purpose: "the imported model again to export it"), path: path)
        let decoder = TensorDecoder(path: path, directory: URL(fileURLWithPath: path).deletingLastPathComponent())
        let names = Set(proto.graph.initializer.map(\.name))
        guard names.isSuperset(of: weights.keys) else {
            let missing = Set(weights.keys).subtracting(names).sorted()
            throw ONNXError("\(path): the file has changed since the run: it has no initializer \(missing.prefix(3).map { "'\($0)'" }.joined(separator: ", "))")
        }
        var bytes = 0
        for index in proto.graph.initializer.indices {
            var tensor = proto.graph.initializer[index]
            if let weight = weights[tensor.name] {
                guard weight.shape == tensor.dims.map({ Int($0) }) else {
                    throw ONNXError("\(path): the file has changed since the run: initializer '\(tensor.name)' has shape \(tensor.dims), the run's weight \(weight.shape)")
                }
                let double = tensor.dataType == Int32(Onnx_TensorProto.DataType.double.rawValue)
                tensor.rawData = double
                    ? weight.scalars.map { Double($0).bitPattern.littleEndian }.withUnsafeBufferPointer { Data(buffer: $0) }
                    : weight.scalars.map { $0.bitPattern.littleEndian }.withUnsafeBufferPointer { Data(buffer: $0) }
                (tensor.floatData, tensor.doubleData) = ([], [])
                Self.makeInline(&tensor)
            } else if tensor.dataLocation == .external {
                tensor.rawData = try decoder.externalData(tensor, what: "initializer '\(tensor.name)'")
                Self.makeInline(&tensor)
            }
            bytes += tensor.rawData.count
            proto.graph.initializer[index] = tensor
        }
        for index in proto.graph.node.indices {
            for a in proto.graph.node[index].attribute.indices where proto.graph.node[index].attribute[a].t.dataLocation == .external {
                var tensor = proto.graph.node[index].attribute[a].t
                tensor.rawData = try decoder.externalData(tensor, what: "node '\(proto.graph.node[index].name)' value")
                Self.makeInline(&tensor)
                proto.graph.node[index].attribute[a].t = tensor
            }
        }
        guard bytes < Int(Int32.max) else {
            throw ONNXError("\(path): the model's \(bytes) bytes of weights exceed protobuf's 2 GB limit for one .onnx file; export it as safetensors")
        }
        return proto
    }

    /// Marks a tensor whose bytes are now in `raw_data` as stored in the file.
    static func makeInline(_ tensor: inout Onnx_TensorProto) {
        tensor.dataLocation = .default
        tensor.externalData = []
    }

    /// Writes an imported model with the network's weights as ONNX (atomically).
    static func writeImportedONNX(_ layer: any ImportedONNXLayer, weights: [String: Tensor], to url: URL) throws {
        let proto = try importedModelProto(layer.importedModel, weights: weights)
        try AtomicFile.write(try proto.serializedData(), to: url)
    }
}
