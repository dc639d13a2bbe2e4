import Foundation
@testable import InvLabONNX
import InvLabTensor
import Testing

/// BatchNormalization in training mode (what `fine_tune_batch_norm: update` runs): batch
/// statistics, running statistics moved by ONNX's momentum with the unbiased batch variance
/// (PyTorch's rule), gradients through the batch statistics, and the refusal of a batch with one
/// value per channel.
@Suite("ONNX BatchNormalization with batch statistics (fine-tuning)")
struct ONNXBatchNormTrainingTests {
    static func model(momentum: Float?) throws -> ONNXModel {
        var b = ModelBuilder()
        b.floats("scale", [1], [2])
        b.floats("bias", [1], [0.5])
        b.floats("mean", [1], [0])
        b.floats("var", [1], [1])
        var attributes = [ModelBuilder.attribute("epsilon", float: 0)]
        if let momentum { attributes.append(ModelBuilder.attribute("momentum", float: momentum)) }
        b.node("BatchNormalization", ["x", "scale", "bias", "mean", "var"], ["y"], name: "bn", attributes)
        return try b.load()
    }

    @Test("Batch mean 3 and variance 3.5 (unbiased 14/3) normalise the batch; momentum 0.9 (default) and 0.5 move the running statistics")
    func values() throws {
        let x = Tensor(shape: [2, 1, 1, 2], scalars: [1, 2, 3, 6])
        for (momentum, mean, variance) in [(nil, 0.3, 0.9 + 0.1 * 14 / 3), (Float(0.5), 1.5, 0.5 + 0.5 * 14 / 3)] as [(Float?, Double, Double)] {
            let statistics = BatchStatistics()
            let y = try Self.model(momentum: momentum)(Var(constant: x), batchStatistics: statistics).value
            let expected = x.scalars.map { 2 * ($0 - 3) / Float(3.5).squareRoot() + 0.5 }
            #expect(ONNXOperatorValueTests.close(y, Tensor(shape: x.shape, scalars: expected)))
            #expect(ONNXOperatorValueTests.close(try #require(statistics.updated["mean"]), Tensor([Float(mean)])))
            #expect(ONNXOperatorValueTests.close(try #require(statistics.updated["var"]), Tensor([Float(variance)])))
        }
        // Inference leaves the statistics alone: (x - 0) / 1 * 2 + 0.5.
        let inference = try Self.model(momentum: nil)(Var(constant: x)).value
        #expect(inference == Tensor(shape: x.shape, scalars: [2.5, 4.5, 6.5, 12.5]))
    }

    @Test("Gradients through batch statistics to the input, scale and bias match finite differences")
    func gradients() throws {
        var b = ModelBuilder()
        b.floats("scale", [3], [1.5, 0.7, 1])
        b.floats("bias", [3], [0.1, -0.2, 0.3])
        b.floats("mean", [3], [0, 0.1, -0.1])
        b.floats("var", [3], [1, 2, 0.5])
        b.node("BatchNormalization", ["x", "scale", "bias", "mean", "var"], ["n"])
        b.node("Tanh", ["n"], ["y"])
        let model = try b.load()
        let x = ONNXGradientTests.random([4, 3, 2, 3], seed: 61)
        let error = try ONNXGradientTests.worstError(model, input: x, weights: ["scale", "bias"], epsilon: 1e-3, batchStatistics: true)
        #expect(error < 2e-2, "worst relative error \(error)")
    }

    @Test("One value per channel has no batch variance: refused")
    func singleValue() throws {
        #expect(onnxErrorMessage { try Self.model(momentum: nil)(Var(constant: Tensor(shape: [1, 1], scalars: [1])), batchStatistics: BatchStatistics()) } ==
            "test.onnx: node 'bn' (BatchNormalization, opset 17): batch statistics need more than one value per channel, got shape [1, 1] "
            + "(fine-tune with batches of 2 or more)")
    }
}
