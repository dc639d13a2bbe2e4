import InvLabTensor

/// Conv → BatchNormalization pairs that an inference run executes as one convolution.
///
/// In inference, batch normalisation is an affine map per channel, y = (x - mean) s + beta with
/// s = scale / sqrt(var + epsilon), so after a convolution it folds into the convolution's
/// weights and bias: W' = W s (per output channel), b' = (b - mean) s + beta. The pair then costs
/// one convolution: no pass over the activations forward and none backward. A pair folds only
/// when the convolution's output feeds the BatchNormalization alone, and its weights and the
/// statistics are initializers; a run that replaces any of them (fine-tuning) or normalises with
/// batch statistics runs both nodes as they are.
enum BatchNormFolding {
    /// For each foldable Conv node, by index in `nodes`, the index of its BatchNormalization.
    static func pairs(nodes: [Onnx_NodeProto], initializers: [String: ONNXValue], outputs: [String]) -> [Int: Int] {
        var readers: [String: [Int]] = [:]
        for (index, node) in nodes.enumerated() {
            for input in Set(node.input) where !input.isEmpty { readers[input, default: []].append(index) }
        }
        let graphOutputs = Set(outputs)
        var pairs: [Int: Int] = [:]
        for (index, conv) in nodes.enumerated() where conv.opType == "Conv" && conv.output.count == 1 && conv.input.count >= 2 {
            let output = conv.output[0]
            guard !graphOutputs.contains(output), let reader = readers[output], reader.count == 1 else { continue }
            let norm = nodes[reader[0]]
            guard norm.opType == "BatchNormalization", norm.input.count == 5, norm.input[0] == output,
                  !norm.input[1...].contains(output), norm.output.dropFirst().allSatisfy(\.isEmpty) else { continue }
            let weights = [conv.input[1]] + (conv.input.count > 2 && !conv.input[2].isEmpty ? [conv.input[2]] : []) + norm.input[1...4]
            guard weights.allSatisfy({ if case .float? = initializers[$0] { true } else { false } }) else { continue }
            pairs[index] = reader[0]
        }
        return pairs
    }

    /// The folded weight and bias of `conv` and `norm`, or nil when their shapes or attributes are
    /// not plain (then both nodes run as they are and report their own errors).
    static func folded(conv: Onnx_NodeProto, norm: Onnx_NodeProto, initializers: [String: ONNXValue], opset: Int64,
                       path: String) -> (weight: Tensor, bias: Tensor)? {
        func tensor(_ name: String) -> Tensor? { if case .float(let value)? = initializers[name] { value } else { nil } }
        let context = NodeContext(node: norm, opset: opset, path: path, inputs: [])
        guard let weight = tensor(conv.input[1]), weight.rank == 4, weight.shape.allSatisfy({ $0 >= 1 }),
              (try? context.int("training_mode", default: 0)) == 0,
              let epsilon = try? context.float("epsilon", default: 1e-5), epsilon >= 0 else { return nil }
        let outputs = weight.shape[0]
        let bias = conv.input.count > 2 && !conv.input[2].isEmpty ? tensor(conv.input[2]) : Tensor(zeros: [outputs])
        let statistics = norm.input[1...4].map(tensor)
        guard let bias, bias.shape == [outputs], statistics.allSatisfy({ $0?.shape == [outputs] }) else { return nil }
        let (gamma, beta, mean, variance) = (statistics[0]!.scalars, statistics[1]!.scalars, statistics[2]!.scalars, statistics[3]!.scalars)
        guard variance.allSatisfy({ $0 + epsilon > 0 }) else { return nil }
        let scales = (0..<outputs).map { Double(gamma[$0]) / (Double(variance[$0]) + Double(epsilon)).squareRoot() }
        let perOutput = weight.count / outputs
        let foldedWeight = Tensor(shape: weight.shape, scalars: weight.scalars.enumerated().map { index, value in
            Float(Double(value) * scales[index / perOutput])
        })
        let foldedBias = Tensor((0..<outputs).map { Float((Double(bias.scalars[$0]) - Double(mean[$0])) * scales[$0] + Double(beta[$0])) })
        return (foldedWeight, foldedBias)
    }
}
