import InvLabTensor

/// Layers applied in order, named `0`, `1`, ... like `torch.nn.Sequential` (layers without
/// tensors still take an index, so names line up with the PyTorch equivalent).
public struct Sequential: Layer {
    public var layers: [any Layer]

    public init(_ layers: [any Layer]) { self.layers = layers }

    public func initialize(prefix: String, state: inout ModelState, generator: inout SeededGenerator) {
        for (index, layer) in layers.enumerated() {
            layer.initialize(prefix: qualifiedName(prefix, String(index)), state: &state, generator: &generator)
        }
    }

    public func forward(_ x: Var, prefix: String, context: ForwardContext) -> Var {
        forward(x, prefix: prefix, context: context, layerCount: layers.count)
    }

    /// Applies only the first `layerCount` layers (e.g. all but the classifier head, for features).
    ///
    /// A `Conv2d, ReLU, MaxPool2d(2)` run is computed by the fused kernel `Var.convReLUMaxPool`
    /// (same values and gradients, much less memory traffic).
    public func forward(_ x: Var, prefix: String, context: ForwardContext, layerCount: Int) -> Var {
        var y = x
        var index = 0
        while index < layerCount {
            if index + 2 < layerCount, let conv = layers[index] as? Conv2d, Sequential.isFusible(layers[index + 1], layers[index + 2]) {
                let name = qualifiedName(prefix, String(index))
                y = Var.convReLUMaxPool(y, weight: context.parameter(qualifiedName(name, "weight")),
                                        bias: conv.hasBias ? context.parameter(qualifiedName(name, "bias")) : nil,
                                        stride: conv.stride, padding: conv.padding)
                index += 3
                continue
            }
            y = layers[index].forward(y, prefix: qualifiedName(prefix, String(index)), context: context)
            index += 1
        }
        return y
    }

    /// True for `ReLU` followed by a 2x2, stride-2, unpadded max pooling.
    static func isFusible(_ activation: any Layer, _ pool: any Layer) -> Bool {
        guard let activation = activation as? Activation, activation.kind == .relu,
              let pool = pool as? Pool2d, pool.kind == .max else { return false }
        return pool.kernel == 2 && pool.stride == 2 && pool.padding == 0
    }

    public func outputShape(for input: [Int]) -> [Int] {
        layers.reduce(input) { $1.outputShape(for: $0) }
    }

    public var summary: String { "Sequential(\(layers.count) layers)" }
}

/// A residual block (`torchvision`'s BasicBlock layout): `conv1`-`bn1`-ReLU-`conv2`-`bn2`, plus
/// the input (through `shortcut.0` conv 1x1 and `shortcut.1` batch norm when the shape changes),
/// then ReLU.
public struct ResidualBlock: Layer {
    public var inputChannels, outputChannels, stride: Int

    public init(_ inputChannels: Int, _ outputChannels: Int, stride: Int = 1) {
        (self.inputChannels, self.outputChannels, self.stride) = (inputChannels, outputChannels, stride)
    }

    public var needsProjection: Bool { stride != 1 || inputChannels != outputChannels }
    public var conv1: Conv2d { Conv2d(inputChannels, outputChannels, kernel: 3, stride: stride, padding: 1, bias: false) }
    public var conv2: Conv2d { Conv2d(outputChannels, outputChannels, kernel: 3, stride: 1, padding: 1, bias: false) }
    public var shortcut: Sequential {
        Sequential([Conv2d(inputChannels, outputChannels, kernel: 1, stride: stride, bias: false), BatchNorm(outputChannels)])
    }

    public func initialize(prefix: String, state: inout ModelState, generator: inout SeededGenerator) {
        conv1.initialize(prefix: qualifiedName(prefix, "conv1"), state: &state, generator: &generator)
        BatchNorm(outputChannels).initialize(prefix: qualifiedName(prefix, "bn1"), state: &state, generator: &generator)
        conv2.initialize(prefix: qualifiedName(prefix, "conv2"), state: &state, generator: &generator)
        BatchNorm(outputChannels).initialize(prefix: qualifiedName(prefix, "bn2"), state: &state, generator: &generator)
        if needsProjection { shortcut.initialize(prefix: qualifiedName(prefix, "shortcut"), state: &state, generator: &generator) }
    }

    public func forward(_ x: Var, prefix: String, context: ForwardContext) -> Var {
        var y = conv1.forward(x, prefix: qualifiedName(prefix, "conv1"), context: context)
        y = BatchNorm(outputChannels).forward(y, prefix: qualifiedName(prefix, "bn1"), context: context).relu()
        y = conv2.forward(y, prefix: qualifiedName(prefix, "conv2"), context: context)
        y = BatchNorm(outputChannels).forward(y, prefix: qualifiedName(prefix, "bn2"), context: context)
        let skip = needsProjection ? shortcut.forward(x, prefix: qualifiedName(prefix, "shortcut"), context: context) : x
        return (y + skip).relu()
    }

    public func outputShape(for input: [Int]) -> [Int] { conv1.outputShape(for: input) }
    public var summary: String { "ResidualBlock(\(inputChannels), \(outputChannels), stride \(stride))" }
}

/// A variational information bottleneck (Alemi et al. 2017; used by the MID defense, Wang et
/// al. 2021): a linear map to `2k` values, split into mean and log-variance; in training it
/// samples `z = mu + exp(logvar / 2) * eps` and records the KL divergence to N(0, I) (mean over
/// the batch) as the auxiliary loss `kl`; in evaluation it returns `mu`. Tensors: `weight`, `bias`.
public struct VariationalBottleneck: Layer {
    public var inputFeatures: Int
    public var bottleneck: Int

    public init(_ inputFeatures: Int, bottleneck: Int) { (self.inputFeatures, self.bottleneck) = (inputFeatures, bottleneck) }

    var projection: Linear { Linear(inputFeatures, 2 * bottleneck) }

    public func initialize(prefix: String, state: inout ModelState, generator: inout SeededGenerator) {
        projection.initialize(prefix: prefix, state: &state, generator: &generator)
    }

    public func forward(_ x: Var, prefix: String, context: ForwardContext) -> Var {
        let statistics = projection.forward(x, prefix: prefix, context: context)
        let mu = statistics.slice(alongAxis: 1, 0..<bottleneck)
        let logVariance = statistics.slice(alongAxis: 1, bottleneck..<(2 * bottleneck))
        guard context.mode == .training else { return mu }
        context.addAuxiliaryLoss("kl", gaussianKLDivergence(mean: mu, logVariance: logVariance))
        var generator = context.generator
        let noise = Tensor.normal(mu.shape, generator: &generator)
        context.generator = generator
        return mu + (logVariance * 0.5).exp() * noise
    }

    public func outputShape(for input: [Int]) -> [Int] { [input[0], bottleneck] }
    public var summary: String { "VariationalBottleneck(\(inputFeatures) -> \(bottleneck))" }
}
