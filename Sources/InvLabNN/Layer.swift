import InvLabTensor

/// Training or evaluation behaviour (batch norm statistics, dropout, stochastic bottlenecks).
public enum Mode: Sendable {
    case training, evaluation
}

/// What one forward pass reads and writes besides its input.
public final class ForwardContext {
    public let mode: Mode
    /// Parameters as differentiable values (tracked when training, constants when attacking).
    public let parameters: [String: Var]
    public let buffers: [String: Tensor]
    /// Buffers updated by this pass (batch-norm running statistics in training mode).
    public var updatedBuffers: [String: Tensor] = [:]
    /// Extra loss terms that layers contribute, by name (e.g. the KL term of a variational
    /// bottleneck); a trainer adds them to the objective with the weights it is configured with.
    public var auxiliaryLosses: [String: Var] = [:]
    /// Randomness for dropout and sampling, derived from the caller's seed.
    public var generator: SeededGenerator

    public init(mode: Mode, parameters: [String: Var], buffers: [String: Tensor], generator: SeededGenerator) {
        self.mode = mode
        self.parameters = parameters
        self.buffers = buffers
        self.generator = generator
    }

    /// The parameter called `name`; a missing one is an architecture bug.
    public func parameter(_ name: String) -> Var {
        guard let value = parameters[name] else { preconditionFailure("model has no parameter '\(name)'") }
        return value
    }

    public func buffer(_ name: String) -> Tensor {
        guard let value = updatedBuffers[name] ?? buffers[name] else { preconditionFailure("model has no buffer '\(name)'") }
        return value
    }

    /// Adds a named auxiliary loss term (summed if the name repeats).
    public func addAuxiliaryLoss(_ name: String, _ value: Var) {
        auxiliaryLosses[name] = auxiliaryLosses[name].map { $0 + value } ?? value
    }
}

/// A building block of a network. Layers are descriptions (sizes, strides); their tensors live
/// in a `ModelState` under names that the layer derives from its prefix.
public protocol Layer: Sendable {
    /// Declares this layer's parameters and buffers, named under `prefix`, with initial values.
    func initialize(prefix: String, state: inout ModelState, generator: inout SeededGenerator)
    /// Applies the layer.
    func forward(_ x: Var, prefix: String, context: ForwardContext) -> Var
    /// Output shape for an input shape (both including the batch axis).
    func outputShape(for input: [Int]) -> [Int]
    /// One line for summaries (e.g. `Conv2d(1, 32, kernel 3, stride 1, padding 1)`).
    var summary: String { get }
}

extension Layer {
    public func initialize(prefix: String, state: inout ModelState, generator: inout SeededGenerator) {}
    public func outputShape(for input: [Int]) -> [Int] { input }
}
