import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabNN
@testable import InvLabONNX
import InvLabRecognizers
import InvLabSpec
import InvLabTensor
import SwiftProtobuf
import Testing

/// `fine_tune_batch_norm`: BatchNormalization's running statistics are buffers of the imported
/// network; `update` makes a training-mode pass normalise with batch statistics and hand the
/// moved running statistics to the trainer, `frozen` (the default) keeps inference behaviour.
@Suite("onnx recognizer: BatchNormalization while fine-tuning")
struct ONNXRecognizerBatchNormTests {
    /// `writeModel`'s linear classifier behind a one-channel BatchNormalization (running mean 0,
    /// variance 1, scale 1, bias 0, epsilon 0, ONNX momentum 0.9).
    static func writeModel(to directory: URL) throws -> URL {
        let url = try ONNXRecognizerTests.writeModel(to: directory)
        var model = try Onnx_ModelProto(serializedBytes: try Data(contentsOf: url))
        func tensor(_ name: String, _ value: Float) -> Onnx_TensorProto {
            var proto = Onnx_TensorProto()
            (proto.name, proto.dims, proto.floatData) = (name, [1], [value])
            proto.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
            return proto
        }
        var node = Onnx_NodeProto()
        (node.opType, node.input, node.output, node.name) = ("BatchNormalization", ["x", "bn.scale", "bn.bias", "bn.mean", "bn.var"], ["normed"], "bn")
        var epsilon = Onnx_AttributeProto()
        (epsilon.name, epsilon.type, epsilon.f) = ("epsilon", .float, 0)
        node.attribute = [epsilon]
        model.graph.node[0].input = ["normed"]
        model.graph.node.insert(node, at: 0)
        model.graph.initializer += [tensor("bn.scale", 1), tensor("bn.bias", 0), tensor("bn.mean", 0), tensor("bn.var", 1)]
        let bytes: Data = try model.serializedBytes()
        try bytes.write(to: url)
        return url
    }

    /// A training-mode pass of the recognizer's network on the images 1...8 (mean 4.5, unbiased
    /// variance 6): its output and the buffers it updated.
    static func trainingPass(_ batchNorm: String, in directory: URL) throws -> (network: Network, output: Tensor, updated: [String: Tensor]) {
        let file = try writeModel(to: directory)
        let recognizer = try ONNXRecognizerTests.recognizer(
            "{type: onnx, path: \(file.path), classes: 3, fine_tune: {epochs: 1, batch_size: 2}, fine_tune_batch_norm: \(batchNorm)}")
        let network = Network(try recognizer.architecture(inputShape: [1, 2, 2], classes: 3), inputShape: [1, 2, 2], seed: 0)
        let parameters = network.state.parameterNames.map { Var(constant: network.state.parameters[$0]!) }
        let x = Tensor(shape: [2, 1, 2, 2], scalars: (1...8).map { Float($0) })
        let (output, context) = network.forward(Var(constant: x), parameters: parameters, mode: .training, generator: SeededGenerator(seed: 0))
        return (network, output.value, context.updatedBuffers)
    }

    @Test("update: the running mean and variance move by momentum 0.9 towards the batch's 4.5 and 6, and the pass uses batch statistics")
    func update() throws {
        try ONNXRecognizerTests.withDirectory { directory in
            let (network, output, updated) = try Self.trainingPass("update", in: directory)
            #expect(network.state.bufferNames.sorted() == ["0.bn.mean", "0.bn.var"])
            #expect(!network.state.parameterNames.contains("0.bn.mean"))
            #expect(Set(updated.keys) == ["0.bn.mean", "0.bn.var"])
            #expect(abs((updated["0.bn.mean"]?.scalars[0] ?? 0) - 0.45) < 1e-5)
            #expect(abs((updated["0.bn.var"]?.scalars[0] ?? 0) - 1.5) < 1e-5)
            let x = Tensor(shape: [2, 1, 2, 2], scalars: (1...8).map { Float($0) })
            let normalised = x.scalars.map { ($0 - 4.5) / Float(5.25).squareRoot() }  // biased variance 42 / 8
            let expected = network.forward(Var(constant: Tensor(shape: x.shape, scalars: normalised))).value
            #expect(zip(output.scalars, expected.scalars).allSatisfy { abs($0 - $1) < 1e-5 } && output.shape == expected.shape)
        }
    }

    @Test("frozen (the default): a training-mode pass uses and keeps the stored statistics")
    func frozen() throws {
        try ONNXRecognizerTests.withDirectory { directory in
            let (network, output, updated) = try Self.trainingPass("frozen", in: directory)
            #expect(updated.isEmpty)
            let x = Tensor(shape: [2, 1, 2, 2], scalars: (1...8).map { Float($0) })
            #expect(output == network.forward(Var(constant: x)).value)
        }
    }

    @Test("update without fine_tune is refused when the spec is read")
    func needsFineTune() throws {
        try ONNXRecognizerTests.withDirectory { directory in
            let file = try Self.writeModel(to: directory)
            do {
                _ = try ONNXRecognizerTests.recognizer("{type: onnx, path: \(file.path), classes: 3, fine_tune_batch_norm: update}")
                Issue.record("fine_tune_batch_norm: update without fine_tune was accepted")
            } catch {
                #expect("\(error)".contains("fine_tune_batch_norm: update needs fine_tune (without it the model is not trained)"), "\(error)")
            }
        }
    }
}
