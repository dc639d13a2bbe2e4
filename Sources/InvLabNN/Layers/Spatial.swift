import InvLabTensor

/// 2-D convolution as `torch.nn.Conv2d`: tensors `weight` (`out x in x k x k`) and `bias` (`out`).
public struct Conv2d: Layer {
    public var inputChannels, outputChannels, kernel, stride, padding: Int
    public var hasBias: Bool

    public init(_ inputChannels: Int, _ outputChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                bias: Bool = true) {
        (self.inputChannels, self.outputChannels) = (inputChannels, outputChannels)
        (self.kernel, self.stride, self.padding, self.hasBias) = (kernel, stride, padding, bias)
    }

    public func initialize(prefix: String, state: inout ModelState, generator: inout SeededGenerator) {
        let fanIn = inputChannels * kernel * kernel
        state.addParameter(qualifiedName(prefix, "weight"),
                           defaultInitialization([outputChannels, inputChannels, kernel, kernel], fanIn: fanIn, generator: &generator))
        if hasBias {
            state.addParameter(qualifiedName(prefix, "bias"), defaultInitialization([outputChannels], fanIn: fanIn, generator: &generator))
        }
    }

    public func forward(_ x: Var, prefix: String, context: ForwardContext) -> Var {
        Var.conv2d(x, weight: context.parameter(qualifiedName(prefix, "weight")),
                   bias: hasBias ? context.parameter(qualifiedName(prefix, "bias")) : nil, stride: stride, padding: padding)
    }

    public func outputShape(for input: [Int]) -> [Int] {
        [input[0], outputChannels, (input[2] + 2 * padding - kernel) / stride + 1, (input[3] + 2 * padding - kernel) / stride + 1]
    }
    public var summary: String { "Conv2d(\(inputChannels), \(outputChannels), kernel \(kernel), stride \(stride), padding \(padding))" }
}

/// Transposed 2-D convolution as `torch.nn.ConvTranspose2d`: `weight` is `in x out x k x k`.
public struct ConvTranspose2d: Layer {
    public var inputChannels, outputChannels, kernel, stride, padding, outputPadding: Int
    public var hasBias: Bool

    public init(_ inputChannels: Int, _ outputChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                outputPadding: Int = 0, bias: Bool = true) {
        (self.inputChannels, self.outputChannels) = (inputChannels, outputChannels)
        (self.kernel, self.stride, self.padding, self.outputPadding, self.hasBias) = (kernel, stride, padding, outputPadding, bias)
    }

    public func initialize(prefix: String, state: inout ModelState, generator: inout SeededGenerator) {
        // PyTorch computes fan-in of a transposed conv weight from its dimension 1 (out channels).
        let fanIn = outputChannels * kernel * kernel
        state.addParameter(qualifiedName(prefix, "weight"),
                           defaultInitialization([inputChannels, outputChannels, kernel, kernel], fanIn: fanIn, generator: &generator))
        if hasBias {
            state.addParameter(qualifiedName(prefix, "bias"), defaultInitialization([outputChannels], fanIn: fanIn, generator: &generator))
        }
    }

    public func forward(_ x: Var, prefix: String, context: ForwardContext) -> Var {
        Var.convTranspose2d(x, weight: context.parameter(qualifiedName(prefix, "weight")),
                            bias: hasBias ? context.parameter(qualifiedName(prefix, "bias")) : nil,
                            stride: stride, padding: padding, outputPadding: outputPadding)
    }

    public func outputShape(for input: [Int]) -> [Int] {
        [input[0], outputChannels, (input[2] - 1) * stride - 2 * padding + kernel + outputPadding,
         (input[3] - 1) * stride - 2 * padding + kernel + outputPadding]
    }
    public var summary: String { "ConvTranspose2d(\(inputChannels), \(outputChannels), kernel \(kernel), stride \(stride), padding \(padding))" }
}

/// Max or average pooling with a square window.
public struct Pool2d: Layer {
    public enum Kind: Sendable { case max, average }
    public var kind: Kind
    public var kernel, stride, padding: Int

    public init(_ kind: Kind, kernel: Int, stride: Int? = nil, padding: Int = 0) {
        (self.kind, self.kernel, self.stride, self.padding) = (kind, kernel, stride ?? kernel, padding)
    }

    public func forward(_ x: Var, prefix: String, context: ForwardContext) -> Var {
        switch kind {
        case .max: return x.maxPool2d(kernel: kernel, stride: stride, padding: padding)
        case .average: return x.avgPool2d(kernel: kernel, stride: stride, padding: padding)
        }
    }

    public func outputShape(for input: [Int]) -> [Int] {
        [input[0], input[1], (input[2] + 2 * padding - kernel) / stride + 1, (input[3] + 2 * padding - kernel) / stride + 1]
    }
    public var summary: String { "\(kind == .max ? "MaxPool2d" : "AvgPool2d")(\(kernel), stride \(stride))" }
}

/// Mean over height and width (`torch.nn.AdaptiveAvgPool2d(1)` followed by `Flatten`).
public struct GlobalAveragePool: Layer {
    public init() {}
    public func forward(_ x: Var, prefix: String, context: ForwardContext) -> Var { x.globalAveragePool() }
    public func outputShape(for input: [Int]) -> [Int] { [input[0], input[1]] }
    public var summary: String { "GlobalAveragePool" }
}

/// Upsampling by an integer factor (`torch.nn.Upsample`, nearest or bilinear with align_corners=False).
public struct Upsample: Layer {
    public var scale: Int
    public var bilinear: Bool
    public init(scale: Int, bilinear: Bool = false) { (self.scale, self.bilinear) = (scale, bilinear) }
    public func forward(_ x: Var, prefix: String, context: ForwardContext) -> Var {
        bilinear ? x.upsampleBilinear(scale: scale) : x.upsampleNearest(scale: scale)
    }
    public func outputShape(for input: [Int]) -> [Int] { [input[0], input[1], input[2] * scale, input[3] * scale] }
    public var summary: String { "Upsample(\(scale), \(bilinear ? "bilinear" : "nearest"))" }
}

/// Batch normalisation as `torch.nn.BatchNorm1d/2d`: parameters `weight`, `bias`; buffers
/// `running_mean`, `running_var`, `num_batches_tracked`.
public struct BatchNorm: Layer {
    public var features: Int
    public var momentum: Float
    public var epsilon: Float

    public init(_ features: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        (self.features, self.momentum, self.epsilon) = (features, momentum, epsilon)
    }

    public func initialize(prefix: String, state: inout ModelState, generator: inout SeededGenerator) {
        state.addParameter(qualifiedName(prefix, "weight"), Tensor(repeating: 1, shape: [features]))
        state.addParameter(qualifiedName(prefix, "bias"), Tensor(zeros: [features]))
        state.addBuffer(qualifiedName(prefix, "running_mean"), Tensor(zeros: [features]))
        state.addBuffer(qualifiedName(prefix, "running_var"), Tensor(repeating: 1, shape: [features]))
        state.addBuffer(qualifiedName(prefix, "num_batches_tracked"), Tensor(zeros: []))
    }

    public func forward(_ x: Var, prefix: String, context: ForwardContext) -> Var {
        let meanName = qualifiedName(prefix, "running_mean"), varName = qualifiedName(prefix, "running_var")
        let result = Var.batchNorm(x, gamma: context.parameter(qualifiedName(prefix, "weight")),
                                   beta: context.parameter(qualifiedName(prefix, "bias")),
                                   runningMean: context.buffer(meanName), runningVariance: context.buffer(varName),
                                   training: context.mode == .training, momentum: momentum, epsilon: epsilon)
        if context.mode == .training {
            let countName = qualifiedName(prefix, "num_batches_tracked")
            context.updatedBuffers[meanName] = result.runningMean
            context.updatedBuffers[varName] = result.runningVariance
            context.updatedBuffers[countName] = context.buffer(countName) + 1
        }
        return result.output
    }
    public var summary: String { "BatchNorm(\(features))" }
}
