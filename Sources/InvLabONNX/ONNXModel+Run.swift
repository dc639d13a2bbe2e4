import InvLabTensor

extension ONNXModel {
    /// The names of the floating-point initializers (the weights), sorted.
    public var weightNames: [String] {
        initializers.compactMap { if case .float = $0.value { $0.key } else { nil } }.sorted()
    }

    /// The initializers that BatchNormalization nodes read as running mean and variance (inputs
    /// 3 and 4): state rather than weights, since fine-tuning moves them by momentum, not by
    /// gradient.
    public var batchNormStatisticsNames: Set<String> {
        Set(nodes.filter { $0.opType == "BatchNormalization" }.flatMap { $0.input.dropFirst(3).prefix(2) }.filter { weight($0) != nil })
    }

    /// The value of a floating-point initializer.
    public func weight(_ name: String) -> Tensor? {
        if case .float(let tensor)? = initializers[name] { return tensor }
        return nil
    }

    /// Runs the graph on the engine and returns every graph output by name.
    ///
    /// `feeds` gives each graph input (see `inputNames`); `weights` replaces floating-point
    /// initializers of the same name, e.g. with tracked `Var`s so that gradients reach them (for
    /// fine-tuning). Gradients with respect to tracked feeds and weights come from the engine's
    /// reverse-mode autodiff through every operator. With `batchStatistics`, BatchNormalization
    /// normalises with each batch's statistics and leaves its updated running statistics there
    /// (fine-tuning); without, it uses the stored ones (inference).
    public func run(_ feeds: [String: Var], weights: [String: Var] = [:],
                    batchStatistics: BatchStatistics? = nil) throws -> [String: Var] {
        var values: [String: RuntimeValue] = [:]
        for (name, value) in initializers {
            switch value {
            case .float(let tensor):
                if let replacement = weights[name], replacement.shape != tensor.shape {
                    throw ONNXError("\(path): weight '\(name)' has shape \(tensor.shape), the replacement has \(replacement.shape)")
                }
                values[name] = .float(weights[name] ?? Var(constant: tensor))
            case .integers(let integers): values[name] = .integers(integers)
            }
        }
        for name in inputNames {
            guard let feed = feeds[name] else {
                throw ONNXError("\(path): graph input '\(name)' is not given; the model's inputs: \(inputNames.joined(separator: ", "))")
            }
            if let declared = inputShapes[name] {
                let matches = declared.count == feed.rank && zip(declared, feed.shape).allSatisfy { $0 == nil || $0 == $1 }
                guard matches else {
                    let text = "[" + declared.map { $0.map(String.init) ?? "?" }.joined(separator: ", ") + "]"
                    throw ONNXError("\(path): graph input '\(name)' has shape \(feed.shape), the model declares \(text)")
                }
            }
            values[name] = .float(feed)
        }
        let frozen: (String) -> Bool = { initializers[$0] != nil && weights[$0] == nil }
        var folded = Set<Int>()
        for (position, node) in nodes.enumerated() where !folded.contains(position) {
            guard let op = ONNXOperators.byName[node.opType] else { throw unsupported(node) }
            var context = NodeContext(node: node, opset: opset, path: path,
                                      inputs: node.input.map { $0.isEmpty ? nil : values[$0] }, batchStatistics: batchStatistics,
                                      derived: derived, keptWeightKey: node.input.count > 1 && frozen(node.input[1]) ? node.input[1] : nil)
            var outputs = node.output
            if batchStatistics == nil, let normIndex = foldableBatchNorms[position],
               let (weight, bias) = foldedBatchNorm(node, nodes[normIndex], frozen: frozen) {
                // The convolution with its batch normalisation folded in gives the latter's output.
                context.inputs = [context.inputs[0], .float(Var(constant: weight)), .float(Var(constant: bias))]
                context.keptWeightKey = "folded:" + node.output[0]
                outputs = [nodes[normIndex].output[0]]
                folded.insert(normIndex)
            }
            let results = try op.run(context)
            for (index, name) in outputs.enumerated() where !name.isEmpty {
                guard index < results.count else { throw context.fail("output \(index) ('\(name)') is not supported") }
                values[name] = results[index]
            }
        }
        var outputs: [String: Var] = [:]
        for name in outputNames {
            switch values[name] {
            case .float(let value)?: outputs[name] = value
            default: throw ONNXError("\(path): graph output '\(name)' is not a floating-point tensor")
            }
        }
        return outputs
    }

    /// The single output for the single input (a classifier's logits or probabilities for a batch).
    public func callAsFunction(_ x: Var, weights: [String: Var] = [:], batchStatistics: BatchStatistics? = nil) throws -> Var {
        guard inputNames.count == 1, outputNames.count == 1 else {
            throw ONNXError("\(path): expected one input and one output, the model has inputs [\(inputNames.joined(separator: ", "))] "
                + "and outputs [\(outputNames.joined(separator: ", "))]")
        }
        return try run([inputNames[0]: x], weights: weights, batchStatistics: batchStatistics)[outputNames[0]]!
    }

    /// The weight and bias of `conv` with `norm` folded in (kept per model), when every weight
    /// and statistic of both is a frozen initializer and their shapes are plain; else nil.
    func foldedBatchNorm(_ conv: Onnx_NodeProto, _ norm: Onnx_NodeProto, frozen: (String) -> Bool) -> (weight: Tensor, bias: Tensor)? {
        let names = conv.input.dropFirst() + norm.input.dropFirst()
        guard names.allSatisfy({ $0.isEmpty || frozen($0) }) else { return nil }
        let pair: FoldedConvolution = derived.value("folded:" + conv.output[0]) {
            FoldedConvolution(weights: BatchNormFolding.folded(conv: conv, norm: norm, initializers: initializers, opset: opset, path: path))
        }
        return pair.weights
    }

    /// The error for a node whose operator is not in `ONNXOperators.all`.
    func unsupported(_ node: Onnx_NodeProto) -> ONNXError {
        ONNXError("\(path): node '\(node.name)' has operator \(node.opType) (opset \(opset)), which is not supported; "
            + "supported operators: \(ONNXOperators.supportedList)")
    }
}

/// The running statistics that BatchNormalization nodes update when a graph runs in training
/// mode (`ONNXModel.run(_:weights:batchStatistics:)`), by the names of their mean and variance
/// inputs. One instance per forward pass.
public final class BatchStatistics: @unchecked Sendable {
    /// Updated running means and variances by initializer name.
    public var updated: [String: Tensor] = [:]

    public init() {}
}

/// A kept result of `BatchNormFolding.folded`, nil when the pair does not fold (a struct, so that
/// a kept nil is told apart from nothing kept yet).
struct FoldedConvolution: Sendable {
    let weights: (weight: Tensor, bias: Tensor)?
}
