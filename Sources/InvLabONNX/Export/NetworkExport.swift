import Foundation
import InvLabIO
import InvLabNN
import InvLabTensor
import SwiftProtobuf

/// Writes an invlab `Network` as an ONNX model (opset 17, IR version 8) that onnxruntime,
/// PyTorch's ONNX tooling and invlab's own `ONNXModel` load.
///
/// The graph has one input `x` of shape `[batch, ...inputShape]` (the batch a free dimension
/// called `batch`) and one output `logits` of shape `[batch, classes]`. Every parameter and
/// batch-norm statistic becomes an initializer under invlab's own tensor name (`1.weight`,
/// `3.bn1.running_mean`), so the ONNX file and the safetensors file name weights alike.
/// The network is exported in evaluation mode: batch norm uses its running statistics
/// (`BatchNormalization` in inference form) and dropout is left out.
///
/// A layer kind without an ONNX mapping is an `ONNXError` that names the layer.
public enum NetworkExport {
    /// The default-domain opset and IR version the exported files declare.
    public static let opset: Int64 = 17
    public static let irVersion: Int64 = 8

    /// The serialized ModelProto of `network`.
    public static func onnxData(_ network: Network) throws -> Data {
        try modelProto(network).serializedData()
    }

    /// Writes `network` to `url` as ONNX, atomically (temporary file, then rename), so that a
    /// killed export never leaves half a model behind.
    /// A network that is one imported ONNX model (an `onnx` recognizer) is written as that
    /// model's own graph with the network's weights (see `ImportedONNXLayer`).
    public static func writeONNX(_ network: Network, to url: URL) throws {
        if let (layer, _) = importedLayer(of: network), let weights = try importedWeights(network) {
            try writeImportedONNX(layer, weights: weights, to: url)
            return
        }
        try AtomicFile.write(try onnxData(network), to: url)
    }

    /// Writes `network`'s tensors to `url` as safetensors under invlab's tensor names (what
    /// `safetensors.torch.load_file` returns and the equivalent `torch.nn` module's
    /// `load_state_dict` takes); written atomically.
    /// For an imported ONNX model, the tensors are its floating-point initializers under their
    /// names in the .onnx file.
    public static func writeSafetensors(_ network: Network, to url: URL, metadata: [String: String] = [:]) throws {
        if let weights = try importedWeights(network) {
            try Safetensors.write(weights, metadata: metadata.merging(["architecture": network.name]) { a, _ in a }, to: url)
            return
        }
        try network.save(to: url, metadata: metadata)
    }

    static func modelProto(_ network: Network) throws -> Onnx_ModelProto {
        var graph = GraphWriter(state: network.state)
        let output = try graph.emit(network.root, input: "x", prefix: "")
        graph.node("Identity", [output], ["logits"], name: "logits")

        var proto = Onnx_GraphProto()
        proto.name = network.name
        proto.node = graph.nodes
        proto.initializer = graph.initializers
        proto.input = [valueInfo("x", dims: network.inputShape)]
        proto.output = [valueInfo("logits", dims: Array(network.outputShape(batch: 1).dropFirst()))]
        var model = Onnx_ModelProto()
        model.irVersion = irVersion
        model.producerName = "invlab"
        model.docString = "Exported by invlab from network '\(network.name)' in evaluation mode."
        var opsetID = Onnx_OperatorSetIdProto()
        opsetID.version = opset
        model.opsetImport = [opsetID]
        model.graph = proto
        return model
    }

    /// A FLOAT tensor value of shape `[batch, dims...]`, the batch a named free dimension.
    static func valueInfo(_ name: String, dims: [Int]) -> Onnx_ValueInfoProto {
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type.tensorType.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        var batch = Onnx_TensorShapeProto.Dimension()
        batch.dimParam = "batch"
        info.type.tensorType.shape.dim = [batch] + dims.map { var d = Onnx_TensorShapeProto.Dimension(); d.dimValue = Int64($0); return d }
        return info
    }
}
