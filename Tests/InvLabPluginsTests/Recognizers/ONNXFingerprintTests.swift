import Foundation
import InvLabCore
@testable import InvLabONNX
import InvLabTensor
import SwiftProtobuf
import Testing

/// A fine-tuned imported model is cached under the digests of its file and of its external data
/// files: PyTorch's dynamo exporter keeps the weights in `model.onnx.data`, so re-exporting with
/// new weights can leave the `.onnx` file byte-identical, and only the data file tells.
@Suite("onnx recognizer: fine-tune cache key with external data")
struct ONNXFingerprintTests {
    /// `ONNXRecognizerTests`' classifier with every initializer moved to `classifier.onnx.data`.
    static func writeExternalModel(to directory: URL, bias: Tensor) throws -> URL {
        let file = try ONNXRecognizerTests.writeModel(to: directory, bias: bias)
        var proto = try Onnx_ModelProto(serializedBytes: try Data(contentsOf: file))
        var external = Data()
        for index in proto.graph.initializer.indices {
            var tensor = proto.graph.initializer[index]
            let bytes = tensor.floatData.map { $0.bitPattern.littleEndian }.withUnsafeBufferPointer { Data(buffer: $0) }
            var location = Onnx_StringStringEntryProto(), offset = location, length = location
            (location.key, location.value) = ("location", "classifier.onnx.data")
            (offset.key, offset.value) = ("offset", String(external.count))
            (length.key, length.value) = ("length", String(bytes.count))
            external.append(bytes)
            tensor.floatData = []
            tensor.dataLocation = .external
            tensor.externalData = [location, offset, length]
            proto.graph.initializer[index] = tensor
        }
        try external.write(to: directory.appendingPathComponent("classifier.onnx.data"))
        try proto.serializedData().write(to: file)
        return file
    }

    @Test("new weights in the external data file alone change the fine-tune fingerprint")
    func externalDataChanges() throws {
        try ONNXRecognizerTests.withDirectory { directory in
            let file = try Self.writeExternalModel(to: directory, bias: ONNXRecognizerTests.bias)
            #expect(try ONNXModel.externalDataFiles(ofModelAt: file.path) == ["classifier.onnx.data"])
            let plugin = try ONNXRecognizerTests.recognizer("type: onnx\npath: \(file.path)\nclasses: 3\nfine_tune: {epochs: 1}\n")
            let before = try plugin.trainingFingerprint()
            #expect(before.count == 2 && before[1].hasPrefix("onnx-data-sha256:classifier.onnx.data:"))
            let graph = try Data(contentsOf: file)
            _ = try Self.writeExternalModel(to: directory, bias: Tensor([1, 2, 3]))
            #expect(try Data(contentsOf: file) == graph, "the .onnx file itself is unchanged")
            #expect(try plugin.trainingFingerprint() != before, "changed external weights must not reuse a cached fine-tuned network")
            #expect(try ONNXModel(contentsOf: file.path).weight("fc.bias") == Tensor([1, 2, 3]))
        }
    }
}
