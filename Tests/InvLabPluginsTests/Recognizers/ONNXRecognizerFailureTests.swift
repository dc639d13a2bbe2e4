import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabDefenses
import InvLabNN
@testable import InvLabONNX
import InvLabRecognizers
import InvLabSpec
import InvLabTensor
import SwiftProtobuf
import Testing

/// An ONNX model whose shapes fail only at some batch sizes passes the recognizer's checks on
/// batches of 1 and 2, and then fails a forward pass on a larger batch: the error is recorded
/// (not a crash), thrown by `Network.throwRecordedFailure()`, and a run records the trial as
/// failed with the message (which the CLI turns into "some trials failed" and a non-zero exit).
@Suite("onnx recognizer: graphs that fail at some batch sizes")
struct ONNXRecognizerFailureTests {
    /// `writeModel`'s linear classifier plus a branch that is zero but multiplies the images,
    /// as N x 2 x 2 matrices, by a stack of two matrices: the batch axes broadcast for N = 1 and
    /// N = 2 only.
    static func writeBatchLimitedModel(to directory: URL) throws -> URL {
        let url = try ONNXRecognizerTests.writeModel(to: directory)
        var model = try Onnx_ModelProto(serializedBytes: try Data(contentsOf: url))
        func node(_ op: String, _ inputs: [String], _ outputs: [String], _ attributes: [Onnx_AttributeProto] = []) -> Onnx_NodeProto {
            var node = Onnx_NodeProto()
            (node.opType, node.input, node.output, node.name, node.attribute) = (op, inputs, outputs, op.lowercased(), attributes)
            return node
        }
        func tensor(_ name: String, _ dims: [Int64], floats: [Float] = [], integers: [Int64] = []) -> Onnx_TensorProto {
            var proto = Onnx_TensorProto()
            (proto.name, proto.dims) = (name, dims)
            proto.dataType = Int32((floats.isEmpty ? Onnx_TensorProto.DataType.int64 : .float).rawValue)
            (proto.floatData, proto.int64Data) = (floats, integers)
            return proto
        }
        var axes = Onnx_AttributeProto()
        (axes.name, axes.type, axes.ints) = ("axes", .ints, [0, 1, 2])
        var keep = Onnx_AttributeProto()
        (keep.name, keep.type, keep.i) = ("keepdims", .int, 0)
        model.graph.node[1].output = ["linear"]
        model.graph.node += [
            node("Reshape", ["flat", "square"], ["squares"]),
            node("MatMul", ["squares", "pair"], ["products"]),
            node("ReduceMean", ["products"], ["mean"], [axes, keep]),
            node("Mul", ["mean", "zero"], ["nothing"]),
            node("Add", ["linear", "nothing"], ["y"]),
        ]
        model.graph.initializer += [tensor("square", [3], integers: [0, 2, 2]), tensor("pair", [2, 2, 1], floats: [1, 1, 1, 1]),
                                    tensor("zero", [], floats: [0])]
        let bytes: Data = try model.serializedBytes()
        try bytes.write(to: url)
        return url
    }

    @Test("A batch of 3 is recorded as a failure with the node's message, thrown once; batches of 1 and 2 run")
    func recordedFailure() throws {
        try ONNXRecognizerTests.withDirectory { directory in
            let file = try Self.writeBatchLimitedModel(to: directory)
            let recognizer = try ONNXRecognizerTests.recognizer("{type: onnx, path: \(file.path), classes: 3}")
            let network = Network(try recognizer.architecture(inputShape: [1, 2, 2], classes: 3), inputShape: [1, 2, 2], seed: 0)
            var generator = SeededGenerator(seed: 8)
            let images = Tensor.uniform([3, 1, 2, 2], low: 0, high: 1, generator: &generator)
            #expect(network.forward(Var(constant: images)).shape == [3, 3])
            let thrown = #expect(throws: DataError.self) { try network.throwRecordedFailure() }
            #expect(thrown?.description == "onnx recognizer: \(file.path): node 'matmul' (MatMul, opset 17): the batch axes of [3, 2, 2] and [2, 2, 1] "
                + "do not broadcast (on a batch of shape [3, 1, 2, 2]; the model passed its checks on batches of 1 and 2 but fails on this one: "
                + "export it so that every operator accepts any batch size)")
            #expect(throws: Never.self) { try network.throwRecordedFailure() }
            // A defense's published model forwards the check to the networks it wraps.
            let published = DefendedOutputModel(inner: NetworkModel(network), gradient: .straightThrough, label: "identity") { p, _ in p }
            _ = published.output(Var(constant: images))
            #expect(throws: DataError.self) { try published.throwRecordedFailure() }
            let two = network.forward(Var(constant: images.slice(alongAxis: 0, 0..<2))).value
            #expect(two.shape == [2, 3])
            #expect(throws: Never.self) { try network.throwRecordedFailure() }
        }
    }

    @Test("In a run, the first batch of 3 or more images fails the trial with the message instead of crashing")
    func failedTrial() throws {
        try ONNXRecognizerTests.withDirectory { directory in
            _ = try Self.writeBatchLimitedModel(to: directory)
            let spec = """
                version: 1
                name: onnx_batch_limited
                seed: 3
                data:
                  source: {type: synthetic_faces, identities: 3, images_per_identity: 4, height: 16, width: 12}
                  train_per_identity: 3
                target: {type: onnx, path: classifier.onnx, input: {size: [2, 2]}, classes: 3}
                evaluator: {type: mlp, hidden: [8], train: {epochs: 1, batch_size: 4}}
                attack: {type: gradient, iterations: 2, optimizer: {type: gradient_descent, lr: 0.1}}
                metrics: [target_confidence]
                output: {images: false, report: false}

                """
            let summary = try runSpec(spec, in: directory)
            #expect(summary.outcomes.map(\.status) == [.failed])
            let error = summary.outcomes.first?.error ?? ""
            #expect(error.contains("(MatMul, opset 17): the batch axes of [") && error.contains("and [2, 2, 1] do not broadcast"), "\(error)")
        }
    }
}
