import InvLabTensor

/// The tensors of a model under dotted names (`3.weight`, `blocks.1.bn1.running_mean`), in
/// declaration order: trainable parameters and non-trainable buffers (batch-norm statistics).
///
/// Names follow PyTorch's `state_dict` naming for the equivalent `torch.nn` module, so weight
/// files round-trip between the two (see each architecture's documentation).
public struct ModelState: Sendable, Equatable {
    public private(set) var parameterNames: [String] = []
    public private(set) var bufferNames: [String] = []
    public var parameters: [String: Tensor] = [:]
    public var buffers: [String: Tensor] = [:]

    public init() {}

    /// Declares a trainable parameter. Declaring a name twice is an architecture bug.
    public mutating func addParameter(_ name: String, _ value: Tensor) {
        precondition(parameters[name] == nil && buffers[name] == nil, "duplicate model tensor '\(name)'")
        parameterNames.append(name)
        parameters[name] = value
    }

    /// Declares a buffer: state that is saved and loaded but not trained by gradient.
    public mutating func addBuffer(_ name: String, _ value: Tensor) {
        precondition(parameters[name] == nil && buffers[name] == nil, "duplicate model tensor '\(name)'")
        bufferNames.append(name)
        buffers[name] = value
    }

    /// Parameters in declaration order.
    public var parameterList: [Tensor] { parameterNames.map { parameters[$0]! } }

    /// Replaces the parameters, in declaration order.
    public mutating func setParameters(_ values: [Tensor]) {
        precondition(values.count == parameterNames.count, "expected \(parameterNames.count) parameters")
        for (name, value) in zip(parameterNames, values) {
            precondition(parameters[name]!.shape == value.shape, "shape change for parameter '\(name)'")
            parameters[name] = value
        }
    }

    /// Every tensor, parameters first, each group in declaration order.
    public var namedTensors: [(name: String, tensor: Tensor)] {
        parameterNames.map { ($0, parameters[$0]!) } + bufferNames.map { ($0, buffers[$0]!) }
    }

    /// Number of trainable scalars.
    public var parameterCount: Int { parameters.values.reduce(0) { $0 + $1.count } }

    /// Bytes held by parameters and buffers.
    public var byteCount: Int { (parameters.values.reduce(0) { $0 + $1.count } + buffers.values.reduce(0) { $0 + $1.count }) * 4 }
}

/// Joins a name prefix and a child name with a dot.
@inlinable
public func qualifiedName(_ prefix: String, _ name: String) -> String {
    prefix.isEmpty ? name : prefix + "." + name
}
