import Foundation
import SwiftProtobuf

extension ONNXModel {
    /// The external data files the model at `path` reads its tensors from (initializers and
    /// Constant values), as the locations written in the file, sorted and without repeats.
    ///
    /// A fine-tuned model's cache key must cover these too: PyTorch's dynamo exporter keeps every
    /// weight in `model.onnx.data`, so new weights can leave the `.onnx` file itself byte-identical.
    public static func externalDataFiles(ofModelAt path: String) throws -> [String] {
        let proto = try decodeProto(try fileData(path), path: path)
        let tensors = proto.graph.initializer + proto.graph.node.flatMap { $0.attribute.map(\.t) }
        let locations = tensors.filter { $0.dataLocation == .external }
            .compactMap { $0.externalData.first { $0.key == "location" }?.value }
        return Set(locations).sorted()
    }
}
