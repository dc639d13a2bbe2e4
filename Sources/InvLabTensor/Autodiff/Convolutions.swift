// Differentiable convolution, transposed convolution, pooling and upsampling.

extension Var {
    /// Records a convolution `y` of `x` with `weight` and optional `bias`: its pullback asks
    /// `inputGradient` for the input's gradient and `parameterGradients` for the weight's and
    /// bias's, each only when something tracked needs it. The kernels differ (im2col, Winograd,
    /// depthwise), the bookkeeping does not.
    static func recordConvolution(_ y: Tensor, _ x: Var, weight: Var, bias: Var?,
                                  inputGradient: @escaping (Tensor) -> Tensor,
                                  parameterGradients: @escaping (Tensor) -> (weight: Tensor, bias: Tensor)) -> Var {
        let inputs = [x, weight] + (bias.map { [$0] } ?? [])
        let needsParameters = weight.isTracked || (bias?.isTracked ?? false)
        return record(y, inputs: inputs) { g in
            let dx = x.isTracked ? inputGradient(g) : nil
            let parameters = needsParameters ? parameterGradients(g) : nil
            return [dx, parameters?.weight] + (bias != nil ? [parameters?.bias] : [])
        }
    }

    /// 2-D convolution, NCHW input, weight `out x in x kh x kw`, optional bias `out`.
    public static func conv2d(_ x: Var, weight: Var, bias: Var?, stride: Int = 1, padding: Int = 0) -> Var {
        let (vx, vw) = (x.value, weight.value)
        return recordConvolution(Tensor.conv2d(vx, weight: vw, bias: bias?.value, stride: stride, padding: padding), x, weight: weight, bias: bias,
            inputGradient: { Tensor.conv2dBackwardInput($0, weight: vw, inputShape: vx.shape, stride: stride, padding: padding) },
            parameterGradients: { Tensor.conv2dBackwardWeight($0, input: vx, weightShape: vw.shape, stride: stride, padding: padding) })
    }

    /// `conv2d` of a 3x3 kernel at stride 1 by Winograd's F(2x2, 3x3) (`Tensor.conv2dWinograd`):
    /// the same values up to rounding, with 2.25 times fewer multiplications; the input gradient
    /// runs the same way, the weight gradient by im2col. `kernel` may carry the weight's
    /// transforms when the caller keeps them (a frozen model's weights), else they are computed.
    public static func conv2dWinograd(_ x: Var, weight: Var, bias: Var?, padding: Int,
                                      kernel: WinogradKernel? = nil) -> Var {
        let (vx, vw) = (x.value, weight.value)
        let y = Tensor.conv2dWinograd(vx, kernel?.forward ?? WinogradWeights(vw), bias: bias?.value, padding: padding)
        return recordConvolution(y, x, weight: weight, bias: bias,
            inputGradient: { Tensor.conv2dBackwardInputWinograd($0, kernel?.inputGradient ?? WinogradWeights(inputGradientOf: vw), padding: padding) },
            parameterGradients: { Tensor.conv2dBackwardWeight($0, input: vx, weightShape: vw.shape, stride: 1, padding: padding) })
    }

    /// Depthwise 2-D convolution (groups = input channels): input `N x C x H x W`, weight
    /// `C m x 1 x kh x kw`, by direct loops (see DepthwiseConvolution.swift).
    public static func depthwiseConv2d(_ x: Var, weight: Var, bias: Var?, stride: Int = 1, padding: Int = 0) -> Var {
        let (vx, vw) = (x.value, weight.value)
        let y = Tensor.depthwiseConv2d(vx, weight: vw, bias: bias?.value, stride: stride, padding: padding)
        return recordConvolution(y, x, weight: weight, bias: bias,
            inputGradient: { Tensor.depthwiseConv2dBackwardInput($0, weight: vw, inputShape: vx.shape, stride: stride, padding: padding) },
            parameterGradients: { Tensor.depthwiseConv2dBackwardWeight($0, input: vx, weightShape: vw.shape, stride: stride, padding: padding) })
    }

    /// Transposed 2-D convolution in PyTorch's convention: weight `in x out x kh x kw`, output side
    /// `(h - 1) * stride - 2 * padding + kh + outputPadding`. It is the input-gradient of a
    /// convolution, so its own gradients are a convolution and a weight-gradient.
    public static func convTranspose2d(_ x: Var, weight: Var, bias: Var?, stride: Int = 1, padding: Int = 0,
                                       outputPadding: Int = 0) -> Var {
        let (vx, vw) = (x.value, weight.value)
        precondition(vx.rank == 4 && vw.rank == 4 && vx.shape[1] == vw.shape[0],
                     "convTranspose2d needs NCHW input and weight [in, out, kh, kw], got \(vx.shape) and \(vw.shape)")
        let ho = (vx.shape[2] - 1) * stride - 2 * padding + vw.shape[2] + outputPadding
        let wo = (vx.shape[3] - 1) * stride - 2 * padding + vw.shape[3] + outputPadding
        let outShape = [vx.shape[0], vw.shape[1], ho, wo]
        var y = Tensor.conv2dBackwardInput(vx, weight: vw, inputShape: outShape, stride: stride, padding: padding)
        if let bias { y = y + bias.value.reshaped([1, -1, 1, 1]) }
        let inputs = [x, weight] + (bias.map { [$0] } ?? [])
        return record(y, inputs: inputs) { g in
            let dx = x.isTracked ? Tensor.conv2d(g, weight: vw, bias: nil, stride: stride, padding: padding) : nil
            var dw: Tensor?
            if weight.isTracked {
                // The weight gradient of conv(g) -> x, with g as the convolution's input.
                dw = Tensor.conv2dBackwardWeight(vx, input: g, weightShape: vw.shape, stride: stride, padding: padding).weight
            }
            let db = bias?.isTracked == true ? g.sum(alongAxes: [0, 2, 3]) : nil
            return [dx, dw] + (bias != nil ? [db] : [])
        }
    }

    public func maxPool2d(kernel: Int, stride: Int? = nil, padding: Int = 0) -> Var {
        let s = shape
        let (y, argmax) = Tensor.maxPool2d(value, kernel: kernel, stride: stride, padding: padding)
        return Var.record(y, inputs: [self]) { g in [Tensor.maxPool2dBackward(g, argmax: argmax, inputShape: s)] }
    }

    public func avgPool2d(kernel: Int, stride: Int? = nil, padding: Int = 0) -> Var {
        let s = shape
        return Var.record(Tensor.avgPool2d(value, kernel: kernel, stride: stride, padding: padding), inputs: [self]) { g in
            [Tensor.avgPool2dBackward(g, inputShape: s, kernel: kernel, stride: stride, padding: padding)]
        }
    }

    /// Max pooling with any `PoolWindow` (rectangular, unequal strides, asymmetric pads, dilation).
    public func maxPool2d(window: PoolWindow) -> Var {
        let s = shape
        let (y, argmax) = Tensor.maxPool2d(value, window: window)
        return Var.record(y, inputs: [self]) { g in [Tensor.maxPool2dBackward(g, argmax: argmax, inputShape: s)] }
    }

    /// Average pooling with any `PoolWindow` (divided by the full window size).
    public func avgPool2d(window: PoolWindow) -> Var {
        let s = shape
        return Var.record(Tensor.avgPool2d(value, window: window), inputs: [self]) { g in
            [Tensor.avgPool2dBackward(g, inputShape: s, window: window)]
        }
    }

    /// Mean over the spatial axes: `N x C x H x W` to `N x C`.
    public func globalAveragePool() -> Var {
        mean(alongAxes: [2, 3])
    }

    public func upsampleNearest(scale: Int) -> Var {
        Var.record(Tensor.upsampleNearest(value, scale: scale), inputs: [self]) { g in
            [Tensor.upsampleNearestBackward(g, scale: scale)]
        }
    }

    /// Bilinear resampling to `height x width` (align_corners=False).
    public func resizedBilinear(height: Int, width: Int) -> Var {
        if shape[2] == height && shape[3] == width { return self }
        let s = shape
        return Var.record(Tensor.resizeBilinear(value, height: height, width: width), inputs: [self]) { g in
            [Tensor.resizeBilinearBackward(g, inputShape: s)]
        }
    }

    public func upsampleBilinear(scale: Int) -> Var {
        let s = shape
        return Var.record(Tensor.upsampleBilinear(value, scale: scale), inputs: [self]) { g in
            [Tensor.upsampleBilinearBackward(g, inputShape: s, scale: scale)]
        }
    }
}

extension Var {
    /// `maxPool2d(relu(conv2d(x, weight, bias)), kernel: 2)`, fused per image (same values and
    /// gradients, far less memory traffic; see `Tensor.convReLUMaxPool`).
    public static func convReLUMaxPool(_ x: Var, weight: Var, bias: Var?, stride: Int = 1, padding: Int = 0) -> Var {
        let (vx, vw) = (x.value, weight.value)
        let (y, saved) = Tensor.convReLUMaxPool(vx, weight: vw, bias: bias?.value, stride: stride, padding: padding)
        let inputs = [x, weight] + (bias.map { [$0] } ?? [])
        let needsParameters = weight.isTracked || (bias?.isTracked ?? false)
        return record(y, inputs: inputs) { g in
            let grads = Tensor.convReLUMaxPoolBackward(g, output: y, input: vx, weight: vw, saved: saved, stride: stride,
                                                       padding: padding, needInput: x.isTracked, needParameters: needsParameters)
            return [grads.input, grads.weight] + (bias != nil ? [grads.bias] : [])
        }
    }
}
