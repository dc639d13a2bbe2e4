import InvLabNN
import InvLabONNX
import InvLabTensor

/// An ONNX classifier as one layer of an engine network. Its floating-point initializers are the
/// layer's parameters (named `<prefix>.<initializer>`), so the engine's training, saving and
/// gradient machinery treat an imported model like one of its own; the graph runs on the
/// engine's autodiff (`ONNXModel.run`).
struct ONNXClassifierLayer: Layer {
    let model: ONNXModel
    let input: ONNXInputConfig
    let probabilities: Bool
    let classes: Int

    func initialize(prefix: String, state: inout ModelState, generator: inout SeededGenerator) {
        for name in model.weightNames {
            if let weight = model.weight(name) { state.addParameter(qualifiedName(prefix, name), weight) }
        }
    }

    /// Logits for a batch of engine images. The recognizer ran the graph on batches of one and
    /// two images of this shape before building the network, so an error here is a broken invariant.
    func forward(_ x: Var, prefix: String, context: ForwardContext) -> Var {
        let weights = Dictionary(uniqueKeysWithValues: model.weightNames.map { ($0, context.parameter(qualifiedName(prefix, $0))) })
        do {
            return try logits(x, weights: weights)
        } catch {
            preconditionFailure("ONNX model failed on a batch of shape \(x.shape) after passing its checks: \(error)")
        }
    }

    /// The model's output for engine images, as logits: probabilities become log-probabilities
    /// (which softmax maps back to the same probabilities).
    func logits(_ x: Var, weights: [String: Var] = [:]) throws -> Var {
        let y = try model(input.apply(x), weights: weights)
        return probabilities ? y.clamped(to: 1e-30...1).log() : y
    }

    func outputShape(for input: [Int]) -> [Int] { [input.first ?? 1, classes] }

    var summary: String {
        "ONNX(\(model.path), opset \(model.opset), \(model.weightNames.count) weight tensors, \(classes) classes)"
    }
}
