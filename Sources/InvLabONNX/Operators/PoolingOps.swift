import InvLabTensor

/// Pooling and batch normalisation on the engine's kernels.
enum PoolingOps {
    /// A pooling node's window: the engine's `PoolWindow` with ONNX's pads, and the rows and
    /// columns that `ceil_mode` adds after the input (they count as padding: they never win a max
    /// and are not counted by an average).
    struct Window {
        var pool: PoolWindow
        var extraHeight = 0, extraWidth = 0

        /// The window with the ceil-mode rows and columns folded into the trailing pads.
        var withExtra: PoolWindow {
            var w = pool
            w.padBottom += extraHeight
            w.padRight += extraWidth
            return w
        }
    }

    static func window(_ c: NodeContext, _ x: Var) throws -> Window {
        try c.requireOutputs(1)
        guard x.rank == 4, x.shape.allSatisfy({ $0 >= 1 }) else {
            throw c.fail("only 2-D pooling of a non-empty N x C x H x W input is supported, got \(x.shape)")
        }
        guard let kernel = try c.ints("kernel_shape") else { throw c.fail("attribute 'kernel_shape' is missing") }
        guard kernel.count == 2, kernel.allSatisfy({ (1...1024).contains($0) }) else {
            throw c.fail("kernel_shape \(kernel) is not supported; supported: two sides of 1...1024")
        }
        let strides = try c.ints("strides") ?? [1, 1]
        guard strides.count == 2, strides.allSatisfy({ (1...1024).contains($0) }) else {
            throw c.fail("strides \(strides) are not supported; supported: two strides of 1...1024")
        }
        let dilations = try c.ints("dilations") ?? [1, 1]
        guard dilations.count == 2, dilations.allSatisfy({ (1...1024).contains($0) }) else {
            throw c.fail("dilations \(dilations) are not supported; supported: two dilations of 1...1024")
        }
        let span = zip(kernel, dilations).map { ($0 - 1) * $1 + 1 }
        let pads = try ConvolutionOps.explicitPads(c, spatial: Array(x.shape[2...]), kernel: span, strides: strides)
        var window = Window(pool: PoolWindow(kernel: kernel, strides: strides, pads: pads, dilations: dilations))
        if try c.int("ceil_mode", default: 0) != 0 {
            window.extraHeight = ceilExtra(x.shape[2], span: span[0], stride: strides[0], before: pads[0], after: pads[2])
            window.extraWidth = ceilExtra(x.shape[3], span: span[1], stride: strides[1], before: pads[1], after: pads[3])
        }
        if let problem = window.withExtra.problem(inputShape: x.shape) {
            throw c.fail("\(problem) (input \(x.shape), kernel_shape \(kernel), strides \(strides), pads \(pads), dilations \(dilations))")
        }
        return window
    }

    /// Padding after an axis of `size` that makes floor rounding give ceil_mode's output size:
    /// ceil((size + pads - span) / stride) + 1 windows, less the last if it would start past the
    /// input and its leading padding (PyTorch's and ONNX's rule).
    static func ceilExtra(_ size: Int, span: Int, stride: Int, before: Int, after: Int) -> Int {
        let room = size + before + after - span
        guard room >= 0 else { return 0 }
        var count = (room + stride - 1) / stride + 1
        if (count - 1) * stride >= size + before { count -= 1 }
        return max(0, (count - 1) * stride + span - (size + before + after))
    }

    @Sendable static func maxPool(_ c: NodeContext) throws -> [RuntimeValue] {
        let x = try c.float(0)
        let w = try window(c, x)
        guard try c.int("storage_order", default: 0) == 0 else { throw c.fail("storage_order 1 is not supported") }
        return [.float(x.maxPool2d(window: w.withExtra))]
    }

    /// The engine divides each window's sum by its full size; ONNX divides by the number of
    /// window positions inside the input (`count_include_pad = 0`, the default) or inside the
    /// padded input (1), never counting ceil_mode's extra positions. The ratio of the two is the
    /// average pooling of an indicator of the counted region, a constant.
    @Sendable static func averagePool(_ c: NodeContext) throws -> [RuntimeValue] {
        let x = try c.float(0)
        let w = try window(c, x)
        let y = x.avgPool2d(window: w.withExtra)
        let p = w.pool
        let includePad = try c.int("count_include_pad", default: 0) != 0
        let (h, wd) = (x.shape[2], x.shape[3])
        let counted: Tensor, countWindow: PoolWindow
        if includePad {
            counted = Tensor(repeating: 1, shape: [1, 1, h + p.padTop + p.padBottom, wd + p.padLeft + p.padRight])
            countWindow = PoolWindow(kernel: [p.kernelHeight, p.kernelWidth], strides: [p.strideHeight, p.strideWidth],
                                     pads: [0, 0, w.extraHeight, w.extraWidth], dilations: [p.dilationHeight, p.dilationWidth])
        } else {
            counted = Tensor(repeating: 1, shape: [1, 1, h, wd])
            countWindow = w.withExtra
        }
        let share = Tensor.avgPool2d(counted, window: countWindow)
        guard share.scalars.contains(where: { $0 != 1 }) else { return [.float(y)] }
        return [.float(y / share)]
    }

    @Sendable static func globalAveragePool(_ c: NodeContext) throws -> [RuntimeValue] {
        let x = try c.float(0)
        guard x.rank >= 3 else { throw c.fail("needs an N x C x ... input, got \(x.shape)") }
        return [.float(x.mean(alongAxes: Array(2..<x.rank), keepingDimensions: true))]
    }

    /// Batch normalisation. Inference (the default) uses the stored statistics, which are
    /// constants; gradients reach the input, scale and bias. In training (`batchStatistics` set,
    /// i.e. fine-tuning) it normalises with the batch's mean and biased variance, as PyTorch's
    /// `train()` mode, and moves the running statistics as ONNX's `momentum` attribute says:
    /// running = running * momentum + batch * (1 - momentum), the batch variance unbiased
    /// (PyTorch's rule; its exporter writes ONNX momentum = 1 - PyTorch's momentum).
    @Sendable static func batchNormalization(_ c: NodeContext) throws -> [RuntimeValue] {
        try c.requireOutputs(1)
        guard try c.int("training_mode", default: 0) == 0 else {
            throw c.fail("training_mode 1 is not supported; supported: inference (training_mode 0)")
        }
        let x = try c.float(0)
        let (scale, bias, mean, variance) = (try c.float(1), try c.float(2), try c.float(3), try c.float(4))
        guard x.rank >= 2 else { throw c.fail("needs an N x C x ... input, got \(x.shape)") }
        let channels = x.shape[1]
        for (name, value) in [("scale", scale), ("B", bias), ("input_mean", mean), ("input_var", variance)] where value.shape != [channels] {
            throw c.fail("\(name) must have shape [\(channels)], got \(value.shape)")
        }
        let epsilon = try c.float("epsilon", default: 1e-5)
        guard epsilon >= 0, variance.value.scalars.allSatisfy({ $0 + epsilon > 0 }) else {
            throw c.fail("input_var + epsilon must be positive")
        }
        // The engine normalises N x C or N x C x H x W; other ranks are viewed as N x C x L x 1.
        let engineShape = x.rank == 2 || x.rank == 4 ? x.shape : [x.shape[0], channels, x.shape[2...].reduce(1, *), 1]
        let training = c.batchStatistics != nil
        let momentum = try c.float("momentum", default: 0.9)
        if training {
            guard (0...1).contains(momentum) else { throw c.fail("momentum \(momentum) is not in 0...1") }
            guard x.value.count / channels > 1 else {
                throw c.fail("batch statistics need more than one value per channel, got shape \(x.shape) (fine-tune with batches of 2 or more)")
            }
        }
        let result = Var.batchNorm(x.reshaped(engineShape), gamma: scale, beta: bias, runningMean: mean.value,
                                   runningVariance: variance.value, training: training, momentum: 1 - momentum, epsilon: epsilon)
        if let statistics = c.batchStatistics {
            statistics.updated[c.node.input[3]] = result.runningMean
            statistics.updated[c.node.input[4]] = result.runningVariance
        }
        return [.float(result.output.reshaped(x.shape))]
    }
}
