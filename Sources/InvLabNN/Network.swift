import Foundation
import InvLabIO
import InvLabTensor

/// A layer graph with its tensors: what a recognizer, an evaluator, a generator or a
/// discriminator is. Value type: copying a network copies (lazily) its weights.
public struct Network: Sendable {
    /// The root layer (usually a `Sequential`).
    public let root: any Layer
    /// Shape of one input, without the batch axis (e.g. `[1, 112, 92]` or `[100]`).
    public let inputShape: [Int]
    public var state: ModelState
    /// Human-readable architecture name, for summaries and metadata.
    public var name: String

    /// Builds the network and initialises its tensors from `seed`.
    public init(_ root: any Layer, inputShape: [Int], seed: UInt64, name: String = "network") {
        self.root = root
        self.inputShape = inputShape
        self.name = name
        var generator = SeededGenerator(seed: seed)
        var state = ModelState()
        root.initialize(prefix: "", state: &state, generator: &generator)
        self.state = state
    }

    /// Output shape for a batch of `batch` inputs.
    public func outputShape(batch: Int = 1) -> [Int] { root.outputShape(for: [batch] + inputShape) }

    /// A forward pass with the parameters as constants (attacks differentiate with respect to
    /// the input only; no parameter gradient is computed).
    public func forward(_ x: Var, mode: Mode = .evaluation, seed: UInt64 = 0) -> Var {
        let context = ForwardContext(mode: mode, parameters: state.parameters.mapValues { Var(constant: $0) },
                                     buffers: state.buffers, generator: SeededGenerator(seed: seed))
        return root.forward(x, prefix: "", context: context)
    }

    /// Evaluation-mode output for a batch, computed in chunks of `batchSize` to bound memory.
    public func predict(_ x: Tensor, batchSize: Int = 256) -> Tensor {
        x.mappingRowChunks(batchSize) { forward(Var(constant: $0)).value }
    }

    /// Penultimate features: the output of every layer of a `Sequential` root but the last
    /// (used by evaluation metrics such as the KNN distance in feature space).
    public func features(_ x: Var) -> Var {
        let context = ForwardContext(mode: .evaluation, parameters: state.parameters.mapValues { Var(constant: $0) },
                                     buffers: state.buffers, generator: SeededGenerator(seed: 0))
        guard let sequential = root as? Sequential else { return root.forward(x, prefix: "", context: context) }
        return sequential.forward(x, prefix: "", context: context, layerCount: sequential.layers.count - 1)
    }

    /// A forward pass in which the parameters are the given tracked variables (training).
    /// Returns the output and the context (buffer updates, auxiliary losses).
    public func forward(_ x: Var, parameters: [Var], mode: Mode, generator: SeededGenerator) -> (Var, ForwardContext) {
        let named = Dictionary(uniqueKeysWithValues: zip(state.parameterNames, parameters))
        let context = ForwardContext(mode: mode, parameters: named, buffers: state.buffers, generator: generator)
        return (root.forward(x, prefix: "", context: context), context)
    }

    /// Writes parameters and buffers to a safetensors file (F32), with the architecture name
    /// in the metadata.
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        let tensors = state.namedTensors.map { NamedTensor(name: $0.name, tensor: $0.tensor) }
        try Safetensors.write(tensors, metadata: metadata.merging(["architecture": name]) { a, _ in a }, to: url)
    }

    /// Loads every parameter and buffer from a safetensors file, e.g. a PyTorch `state_dict`
    /// saved with `safetensors.torch.save_file`. Names and shapes must match exactly.
    public mutating func load(from url: URL) throws {
        let file = try Safetensors.read(contentsOf: url)
        try load(file.dictionary, source: url.path)
    }

    /// Loads tensors by name; every error names the source and the tensor.
    public mutating func load(_ tensors: [String: Tensor], source: String) throws {
        let expected = Set(state.parameterNames + state.bufferNames)
        let missing = (state.parameterNames + state.bufferNames).filter { tensors[$0] == nil }
        let unexpected = tensors.keys.filter { !expected.contains($0) }.sorted()
        if !missing.isEmpty || !unexpected.isEmpty {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing tensors \(missing.map { "'\($0)'" }.joined(separator: ", "))") }
            if !unexpected.isEmpty { parts.append("unexpected tensors \(unexpected.map { "'\($0)'" }.joined(separator: ", "))") }
            throw WeightFileError(message: "\(source): weights do not match architecture '\(name)': \(parts.joined(separator: "; "))")
        }
        var newState = state
        for name in state.parameterNames {
            newState.parameters[name] = try matching(tensors[name]!, state.parameters[name]!, name, source)
        }
        for name in state.bufferNames {
            newState.buffers[name] = try matching(tensors[name]!, state.buffers[name]!, name, source)
        }
        state = newState
    }

    private func matching(_ loaded: Tensor, _ current: Tensor, _ name: String, _ source: String) throws -> Tensor {
        if loaded.shape == current.shape { return loaded }
        // PyTorch stores num_batches_tracked as a 0-d tensor; accept [1] too.
        if loaded.count == 1 && current.count == 1 { return loaded.reshaped(current.shape) }
        throw WeightFileError(message: "\(source): tensor '\(name)' has shape \(loaded.shape), architecture '\(self.name)' expects \(current.shape)")
    }

    /// A multi-line description: layers and tensor shapes.
    public var summary: String {
        var lines = ["\(name): input \(inputShape), output \(Array(outputShape().dropFirst())), \(state.parameterCount) parameters"]
        for name in state.parameterNames + state.bufferNames {
            let tensor = state.parameters[name] ?? state.buffers[name]!
            lines.append("  \(name) \(tensor.shape)")
        }
        return lines.joined(separator: "\n")
    }
}

/// A weight file that does not fit the architecture.
public struct WeightFileError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
