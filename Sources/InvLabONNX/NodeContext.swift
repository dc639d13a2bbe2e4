import InvLabTensor

/// A value flowing through a running graph: a differentiable float tensor, or an exact integer
/// tensor (shapes, axes, pads), which carries no gradient.
enum RuntimeValue {
    case float(Var)
    case integers(IntegerTensor)

    var shape: [Int] {
        switch self {
        case .float(let value): value.shape
        case .integers(let integers): integers.shape
        }
    }
}

/// One node about to run: its inputs (nil where an optional input is omitted) and typed access
/// to its attributes. Every accessor throws an `ONNXError` naming the file, node, operator and
/// opset rather than trapping on a missing or ill-typed input or attribute.
struct NodeContext {
    let node: Onnx_NodeProto
    let opset: Int64
    let path: String
    var inputs: [RuntimeValue?]
    /// Where BatchNormalization nodes normalise with batch statistics and leave their updated
    /// running statistics (training); nil: the stored statistics (inference).
    var batchStatistics: BatchStatistics? = nil
    /// The model's values derived from its frozen initializers.
    var derived: DerivedWeights? = nil
    /// When input 1 (a convolution's weight) is frozen, the key under which values derived from it
    /// are kept in `derived`: the initializer's name, or "folded:" + the convolution's output when
    /// its batch normalisation is folded in. Nil when the run replaces the weight (fine-tuning).
    var keptWeightKey: String? = nil

    /// An error about this node: `FILE: node 'NAME' (OP, opset N): MESSAGE`.
    func fail(_ message: String) -> ONNXError {
        ONNXError("\(path): node '\(node.name)' (\(node.opType), opset \(opset)): \(message)")
    }

    /// Input `index` if present.
    func optional(_ index: Int) -> RuntimeValue? {
        index < inputs.count ? inputs[index] : nil
    }

    /// Float input `index` (integer constants are converted, since ONNX models mix them in arithmetic).
    func float(_ index: Int) throws -> Var {
        guard let value = try optionalFloat(index) else { throw fail("input \(index) is missing") }
        return value
    }

    func optionalFloat(_ index: Int) throws -> Var? {
        switch optional(index) {
        case nil: return nil
        case .float(let value): return value
        case .integers(let integers):
            return Var(constant: Tensor(shape: integers.shape, scalars: integers.values.map { Float($0) }))
        }
    }

    /// Integer input `index`, which must be a constant (an initializer or a `Constant` node's output).
    func optionalIntegers(_ index: Int) throws -> IntegerTensor? {
        switch optional(index) {
        case nil: return nil
        case .integers(let integers): return integers
        case .float:
            throw fail("input \(index) ('\(node.input[index])') must be an INT64 tensor (initializer, Constant node or shape arithmetic)")
        }
    }

    /// A float input that must be one number (e.g. Clip's bounds); its gradient is not followed.
    func optionalScalar(_ index: Int) throws -> Float? {
        guard let value = try optionalFloat(index) else { return nil }
        guard value.value.count == 1 else { throw fail("input \(index) must hold one value, got shape \(value.shape)") }
        return value.value.scalars[0]
    }

    // MARK: Attributes

    func attribute(_ name: String) -> Onnx_AttributeProto? {
        node.attribute.first { $0.name == name }
    }

    func int(_ name: String, default value: Int) throws -> Int {
        guard let attribute = attribute(name) else { return value }
        guard attribute.type == .int || (attribute.type == .undefined && attribute.hasI) else {
            throw fail("attribute '\(name)' must be an INT, got \(attribute.type)")
        }
        guard (-(1 << 40)...(1 << 40)).contains(attribute.i) else {
            throw fail("attribute '\(name)' = \(attribute.i) is out of range")
        }
        return Int(attribute.i)
    }

    func ints(_ name: String) throws -> [Int]? {
        guard let attribute = attribute(name) else { return nil }
        guard attribute.type == .ints || (attribute.type == .undefined && !attribute.ints.isEmpty) else {
            throw fail("attribute '\(name)' must be INTS, got \(attribute.type)")
        }
        guard attribute.ints.count <= 64, attribute.ints.allSatisfy({ (-(1 << 40)...(1 << 40)).contains($0) }) else {
            throw fail("attribute '\(name)' = \(attribute.ints.prefix(8)) is out of range")
        }
        return attribute.ints.map { Int($0) }
    }

    func float(_ name: String, default value: Float) throws -> Float {
        guard let attribute = attribute(name) else { return value }
        guard attribute.type == .float || (attribute.type == .undefined && attribute.hasF) else {
            throw fail("attribute '\(name)' must be a FLOAT, got \(attribute.type)")
        }
        return attribute.f
    }

    func string(_ name: String, default value: String) throws -> String {
        guard let attribute = attribute(name) else { return value }
        guard attribute.type == .string || (attribute.type == .undefined && attribute.hasS) else {
            throw fail("attribute '\(name)' must be a STRING, got \(attribute.type)")
        }
        return String(decoding: attribute.s, as: UTF8.self)
    }

    // MARK: Axes

    /// An axis in `-rank..<rank` made non-negative.
    func axis(_ axis: Int, rank: Int, what: String = "axis") throws -> Int {
        guard axis >= -rank, axis < rank else {
            throw fail("\(what) \(axis) is out of range for rank \(rank)")
        }
        return axis < 0 ? axis + rank : axis
    }

    /// Requires the node to have at most `count` non-empty outputs (e.g. no MaxPool indices).
    func requireOutputs(_ count: Int) throws {
        if node.output.dropFirst(count).contains(where: { !$0.isEmpty }) {
            throw fail("only the first \(count) output(s) are supported, the node asks for \(node.output.count)")
        }
    }
}
