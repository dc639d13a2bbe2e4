import InvLabTensor

/// Pooling and inference-mode batch normalisation on the engine's kernels.
enum PoolingOps {
    /// A pooling window the engine's kernels run: square, equal strides, symmetric pads no
    /// larger than half the kernel, no dilation, floor rounding.
    struct Window {
        var kernel, stride, padding: Int
        /// Rows and columns of padding added after the input for `ceil_mode` (never winning a max).
        var extraHeight = 0, extraWidth = 0
    }

    static func window(_ c: NodeContext, _ x: Var) throws -> Window {
        try c.requireOutputs(1)
        guard x.rank == 4, x.shape.allSatisfy({ $0 >= 1 }) else {
            throw c.fail("only 2-D pooling of a non-empty N x C x H x W input is supported, got \(x.shape)")
        }
        guard let kernel = try c.ints("kernel_shape") else { throw c.fail("attribute 'kernel_shape' is missing") }
        guard kernel.count == 2, kernel[0] == kernel[1], (1...1024).contains(kernel[0]) else {
            throw c.fail("kernel_shape \(kernel) is not supported; supported: a square kernel of side 1...1024")
        }
        let strides = try c.ints("strides") ?? [1, 1]
        guard strides.count == 2, strides[0] == strides[1], strides[0] >= 1 else {
            throw c.fail("strides \(strides) are not supported; supported: equal strides along H and W")
        }
        guard (try c.ints("dilations") ?? [1, 1]) == [1, 1] else { throw c.fail("dilations are not supported") }
        let ceilMode = try c.int("ceil_mode", default: 0) != 0
        let pads = try ConvolutionOps.explicitPads(c, spatial: Array(x.shape[2...]), kernel: kernel, strides: strides)
        guard pads.allSatisfy({ $0 == pads[0] }), pads[0] * 2 <= kernel[0] else {
            throw c.fail("pads \(pads) are not supported; supported: equal pads of at most half the kernel")
        }
        guard x.shape[2] + 2 * pads[0] >= kernel[0], x.shape[3] + 2 * pads[0] >= kernel[0] else {
            throw c.fail("kernel \(kernel) is larger than the padded input \(x.shape)")
        }
        var window = Window(kernel: kernel[0], stride: strides[0], padding: pads[0])
        if ceilMode {
            window.extraHeight = ceilExtra(x.shape[2], window)
            window.extraWidth = ceilExtra(x.shape[3], window)
        }
        return window
    }

    /// Padding after an axis of `size` that makes floor rounding give ceil_mode's output size:
    /// ceil((size + 2p - k) / s) + 1 windows, less the last if it would start past the input and
    /// its leading padding (PyTorch's and ONNX's rule).
    static func ceilExtra(_ size: Int, _ w: Window) -> Int {
        let span = size + 2 * w.padding - w.kernel
        var count = (span + w.stride - 1) / w.stride + 1
        if (count - 1) * w.stride >= size + w.padding { count -= 1 }
        return max(0, (count - 1) * w.stride + w.kernel - (size + 2 * w.padding))
    }

    @Sendable static func maxPool(_ c: NodeContext) throws -> [RuntimeValue] {
        let x = try c.float(0)
        let w = try window(c, x)
        guard try c.int("storage_order", default: 0) == 0 else { throw c.fail("storage_order 1 is not supported") }
        var input = x
        if w.extraHeight > 0 || w.extraWidth > 0 {
            input = try ShapeOps.padded(x, before: [0, 0, 0, 0], after: [0, 0, w.extraHeight, w.extraWidth], value: -.infinity, c)
        }
        return [.float(input.maxPool2d(kernel: w.kernel, stride: w.stride, padding: w.padding))]
    }

    /// The engine averages over the whole window (padding counts as zeros); for
    /// `count_include_pad = 0` (ONNX's default) the result is divided by the share of each
    /// window that lies inside the input.
    @Sendable static func averagePool(_ c: NodeContext) throws -> [RuntimeValue] {
        let x = try c.float(0)
        let w = try window(c, x)
        guard w.extraHeight == 0 && w.extraWidth == 0 else {
            throw c.fail("ceil_mode 1 adding a partial window is not supported for AveragePool")
        }
        let y = x.avgPool2d(kernel: w.kernel, stride: w.stride, padding: w.padding)
        guard w.padding > 0, try c.int("count_include_pad", default: 0) == 0 else { return [.float(y)] }
        let inside = Tensor.avgPool2d(Tensor(repeating: 1, shape: [1, 1, x.shape[2], x.shape[3]]),
                                      kernel: w.kernel, stride: w.stride, padding: w.padding)
        return [.float(y / inside)]
    }

    @Sendable static func globalAveragePool(_ c: NodeContext) throws -> [RuntimeValue] {
        let x = try c.float(0)
        guard x.rank >= 3 else { throw c.fail("needs an N x C x ... input, got \(x.shape)") }
        return [.float(x.mean(alongAxes: Array(2..<x.rank), keepingDimensions: true))]
    }

    /// Inference batch normalisation with the stored statistics. Gradients reach the input,
    /// scale and bias; the statistics are constants.
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
        let y = Var.batchNorm(x.reshaped(engineShape), gamma: scale, beta: bias, runningMean: mean.value,
                              runningVariance: variance.value, training: false, epsilon: epsilon).output
        return [.float(y.reshaped(x.shape))]
    }
}
