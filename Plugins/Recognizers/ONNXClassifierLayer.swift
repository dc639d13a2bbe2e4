import InvLabCore
import InvLabNN
import InvLabONNX
import InvLabTensor

/// An ONNX classifier as one layer of an engine network. Its floating-point initializers are the
/// layer's parameters (named `<prefix>.<initializer>`), so the engine's training, saving and
/// gradient machinery treat an imported model like one of its own; the graph runs on the
/// engine's autodiff (`ONNXModel.run`). BatchNormalization's running means and variances are
/// buffers instead (state, not trained by gradient), which fine-tuning with
/// `batchNorm == .update` moves by momentum.
struct ONNXClassifierLayer: FallibleLayer {
    let model: ONNXModel
    let input: ONNXInputConfig
    let probabilities: Bool
    let classes: Int
    var batchNorm = ONNXRecognizer.BatchNormFineTuning.frozen
    let failures = LayerFailures()

    func initialize(prefix: String, state: inout ModelState, generator: inout SeededGenerator) {
        let statistics = model.batchNormStatisticsNames
        for name in model.weightNames {
            guard let weight = model.weight(name) else { continue }
            if statistics.contains(name) {
                state.addBuffer(qualifiedName(prefix, name), weight)
            } else {
                state.addParameter(qualifiedName(prefix, name), weight)
            }
        }
    }

    /// Logits for a batch of engine images. The recognizer ran the graph on batches of one and
    /// two images, but a graph can still fail at other batch sizes (a constant that broadcasts
    /// against batches of 1 and 2 only, say). `Layer.forward` cannot throw, so the error is
    /// recorded in `failures` (the Core throws it after the stage, failing the trial with this
    /// message) and the pass goes on with zero logits of the declared shape.
    ///
    /// In training mode with `batchNorm == .update`, BatchNormalization uses batch statistics and
    /// the updated running statistics go to `context.updatedBuffers` (the trainer keeps them).
    func forward(_ x: Var, prefix: String, context: ForwardContext) -> Var {
        let statistics = model.batchNormStatisticsNames
        let weights = Dictionary(uniqueKeysWithValues: model.weightNames.map { name in
            (name, statistics.contains(name) ? Var(constant: context.buffer(qualifiedName(prefix, name)))
                                             : context.parameter(qualifiedName(prefix, name)))
        })
        let batchStatistics = context.mode == .training && batchNorm == .update ? BatchStatistics() : nil
        do {
            let y = try checkedLogits(x, weights: weights, batchStatistics: batchStatistics)
            for (name, value) in batchStatistics?.updated ?? [:] where statistics.contains(name) {
                context.updatedBuffers[qualifiedName(prefix, name)] = value
            }
            return y
        } catch {
            failures.record(error)
            return Var(constant: Tensor(zeros: outputShape(for: x.shape)))
        }
    }

    /// `logits`, with a wrong output shape an error too: ONNX runtime failures become
    /// `DataError`s that name the file and the batch shape.
    func checkedLogits(_ x: Var, weights: [String: Var] = [:], batchStatistics: BatchStatistics? = nil) throws -> Var {
        let y: Var
        do {
            y = try logits(x, weights: weights, batchStatistics: batchStatistics)
        } catch {
            throw DataError("onnx recognizer: \(error) (on a batch of shape \(x.shape); the model passed its checks on batches of 1 and 2 "
                + "but fails on this one: export it so that every operator accepts any batch size)")
        }
        guard y.shape == outputShape(for: x.shape) else {
            throw DataError("onnx recognizer \(model.path): the output for a batch of shape \(x.shape) has shape \(y.shape), "
                + "expected \(outputShape(for: x.shape))")
        }
        return y
    }

    /// The model's output for engine images, as logits: probabilities become log-probabilities
    /// (which softmax maps back to the same probabilities).
    func logits(_ x: Var, weights: [String: Var] = [:], batchStatistics: BatchStatistics? = nil) throws -> Var {
        let y = try model(input.apply(x), weights: weights, batchStatistics: batchStatistics)
        return probabilities ? y.clamped(to: 1e-30...1).log() : y
    }

    func outputShape(for input: [Int]) -> [Int] { [input.first ?? 1, classes] }

    var summary: String {
        "ONNX(\(model.path), opset \(model.opset), \(model.weightNames.count) weight tensors, \(classes) classes)"
    }
}
