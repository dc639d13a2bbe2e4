import Foundation
import InvLabNN
import InvLabTensor

/// What a model publishes for a batch of images: class probabilities, and logits where the
/// model has them. Both are differentiable values in the attacker's computation.
public struct ModelOutput {
    public var probabilities: Var
    /// Raw logits, when the published model exposes them (a plain network does; a mixture of
    /// two softmax outputs, such as the dummy defense, does not).
    public var logits: Var?

    public init(probabilities: Var, logits: Var?) {
        self.probabilities = probabilities
        self.logits = logits
    }

    /// Logits, or log-probabilities where the model publishes probabilities only (they differ
    /// from logits by a per-row constant, which no softmax-based loss can see).
    public var logitsOrLogProbabilities: Var {
        logits ?? probabilities.clamped(to: 1e-12...1).log()
    }
}

/// The model an attacker sees: a deployed recognizer with whatever defense wraps it.
///
/// `output(_:)` is the computation the attacker differentiates; a defense that is not
/// differentiable states what gradient it lets through. `query(_:)` is what a prediction API
/// returns (after every output defense) and is what accuracy is measured on. What a defense
/// adds for other plugins (e.g. images for a metric) is an attachment (`attachment(_:)`); a
/// model that wraps another passes the lookups it does not answer to the inner model.
public protocol PublishedModel: AttachmentProviding {
    var classes: Int { get }
    /// Input shape (C, H, W).
    var inputShape: [Int] { get }
    /// The attacker's differentiable view of the outputs.
    func output(_ x: Var) -> ModelOutput
    /// Published probabilities for a batch (no gradient).
    func query(_ x: Tensor) -> Tensor
    /// One line: what this model is (e.g. `dummy_recognizer(lambda 0.25) of cnn`).
    var summary: String { get }
    /// Throws (and clears) the first failure that a layer of this model's networks recorded in
    /// a forward pass (see `LayerFailures`); a wrapper forwards to the models it wraps. The
    /// default does nothing: a model without networks of its own records nothing.
    func throwRecordedFailure() throws
}

extension PublishedModel {
    public func throwRecordedFailure() throws {}

    /// Published predictions (argmax) for a batch, computed in chunks.
    public func predictions(_ x: Tensor, batchSize: Int = 256) -> [Int] {
        x.shape[0] == 0 ? [] : x.mappingRowChunks(batchSize) { query($0) }.argmaxRows()
    }

    /// Share of `set` that the model classifies correctly.
    public func accuracy(on set: LabeledSet) -> Double {
        guard set.count > 0 else { return 0 }
        return Double(zip(predictions(set.images), set.labels).filter { $0 == $1 }.count) / Double(set.count)
    }
}

/// A trained network published as it is: softmax of its logits.
public struct NetworkModel: PublishedModel {
    public var network: Network
    public var classes: Int
    public init(_ network: Network) {
        self.network = network
        self.classes = network.outputShape(batch: 1).last ?? 0
    }

    public var inputShape: [Int] { network.inputShape }

    public func output(_ x: Var) -> ModelOutput {
        let logits = network.forward(x)
        return ModelOutput(probabilities: logits.softmax(), logits: logits)
    }

    public func query(_ x: Tensor) -> Tensor { Tensor.softmaxLastAxis(network.predict(x)) }

    public func throwRecordedFailure() throws { try network.throwRecordedFailure() }

    public var summary: String { network.name }
}
