import InvLabTensor

/// 2-D convolution on the engine's `conv2d`: asymmetric pads become an explicit zero padding,
/// groups become one convolution per group (depthwise ones one direct kernel), dilations a kernel
/// with zeros between its taps, all from differentiable operations, so input and weight gradients
/// are the engine's.
enum ConvolutionOps {
    @Sendable static func conv(_ c: NodeContext) throws -> [RuntimeValue] {
        var x = try c.float(0)
        let w = try c.float(1)
        let bias = try c.optionalFloat(2)
        guard x.rank == 4, w.rank == 4 else {
            throw c.fail("only 2-D convolution is supported (N x C x H x W input, O x C/group x kH x kW weight); got input \(x.shape), weight \(w.shape)")
        }
        guard (x.shape + w.shape).allSatisfy({ $0 >= 1 }) else {
            throw c.fail("empty input \(x.shape) or weight \(w.shape)")
        }
        let group = try c.int("group", default: 1)
        let (channels, outputs) = (x.shape[1], w.shape[0])
        guard group >= 1, channels == w.shape[1] * group, outputs % group == 0 else {
            throw c.fail("input \(x.shape), weight \(w.shape) and group \(group) do not match")
        }
        if let bias, bias.shape != [outputs] { throw c.fail("bias must have shape [\(outputs)], got \(bias.shape)") }
        if let kernel = try c.ints("kernel_shape"), kernel != Array(w.shape[2...]) {
            throw c.fail("kernel_shape \(kernel) differs from the weight's \(Array(w.shape[2...]))")
        }
        let strides = try c.ints("strides") ?? [1, 1]
        guard strides.count == 2, strides.allSatisfy({ $0 >= 1 && $0 <= 1 << 16 }) else {
            throw c.fail("strides \(strides) are not supported; supported: two values in 1...65536")
        }
        let dilations = try c.ints("dilations") ?? [1, 1]
        guard dilations.count == 2, dilations.allSatisfy({ $0 >= 1 && $0 <= 64 }) else {
            throw c.fail("dilations \(dilations) are not supported; supported: two values in 1...64")
        }
        let (kh, kw) = ((w.shape[2] - 1) * dilations[0] + 1, (w.shape[3] - 1) * dilations[1] + 1)
        let pads = try explicitPads(c, spatial: Array(x.shape[2...]), kernel: [kh, kw], strides: strides)
        let (height, width) = (x.shape[2] + pads[0] + pads[2], x.shape[3] + pads[1] + pads[3])
        guard height >= kh, width >= kw else {
            throw c.fail("kernel \(kh)x\(kw) is larger than the padded input \(x.shape) (pads \(pads))")
        }
        // The output and the unfolded patches of one image must stay allocatable.
        // Unequal strides run as a stride-1 convolution that is then subsampled, so size that one.
        let engineStride = strides[0] == strides[1] ? strides[0] : 1
        let positions = [(height - kh) / engineStride + 1, (width - kw) / engineStride + 1]
        let sizes = [[x.shape[0], outputs] + positions, [w.shape[1], kh, kw] + positions, [outputs, w.shape[1], kh, kw]]
        guard sizes.allSatisfy({ ShapeOps.product($0) <= ShapeOps.maximumElements }) else {
            throw c.fail("input \(x.shape), weight \(w.shape), pads \(pads) and dilations \(dilations) need more than \(ShapeOps.maximumElements) elements")
        }
        let weight = dilations == [1, 1] ? w : dilated(w, dilations)
        var padding = pads[0]
        if !pads.allSatisfy({ $0 == pads[0] }) {
            x = try ShapeOps.padded(x, before: [0, 0, pads[0], pads[1]], after: [0, 0, pads[2], pads[3]], value: 0, c)
            padding = 0
        }
        var y: Var
        if group > 1 && group == channels && w.shape[1] == 1 {
            // Depthwise (MobileNet-style): one direct kernel instead of a convolution per channel.
            y = Var.depthwiseConv2d(x, weight: weight, bias: bias, stride: engineStride, padding: padding)
        } else if group == 1 {
            let kept = dilations == [1, 1] ? c.keptWeightKey : nil
            y = convolve(x, weight: weight, bias: bias, stride: engineStride, padding: padding, kept: kept.map { (c.derived, $0) })
        } else {
            let (inPer, outPer) = (channels / group, outputs / group)
            let parts = (0..<group).map { g in
                convolve(x.slice(alongAxis: 1, (g * inPer)..<((g + 1) * inPer)),
                           weight: weight.slice(alongAxis: 0, (g * outPer)..<((g + 1) * outPer)),
                           bias: bias?.slice(alongAxis: 0, (g * outPer)..<((g + 1) * outPer)),
                           stride: engineStride, padding: padding)
            }
            y = Var.concatenate(parts, alongAxis: 1)
        }
        if engineStride == 1 {
            for (axis, step) in zip([2, 3], strides) where step > 1 { y = try subsampled(y, axis: axis, step: step, c) }
        }
        return [.float(y)]
    }

    /// One convolution on the engine: a 3x3 kernel at stride 1 (most of a ResNet's or VGG's
    /// work) by Winograd's F(2x2, 3x3), 2.25 times fewer multiplications than im2col, with the
    /// same values up to rounding; every other kernel by im2col. `kept`: where the transforms of
    /// a frozen initializer are kept, and its name.
    static func convolve(_ x: Var, weight: Var, bias: Var?, stride: Int, padding: Int,
                         kept: (DerivedWeights?, String)? = nil) -> Var {
        if stride == 1 && weight.shape[2] == 3 && weight.shape[3] == 3 {
            let kernel = kept.flatMap { derived, name in derived?.value("winograd:" + name) { WinogradKernel(weight.value) } }
            return Var.conv2dWinograd(x, weight: weight, bias: bias, padding: padding, kernel: kernel)
        }
        return Var.conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
    }

    /// Every `step`-th element along `axis` from the first (what a stride does to a stride-1
    /// output): zero-padded to a multiple of `step`, split into (count, step) and the first of
    /// each step kept; the zeros are never kept, so they get no gradient.
    static func subsampled(_ y: Var, axis: Int, step: Int, _ c: NodeContext) throws -> Var {
        let length = y.shape[axis]
        let count = (length - 1) / step + 1
        var after = [Int](repeating: 0, count: y.rank)
        after[axis] = count * step - length
        let padded = try ShapeOps.padded(y, before: [Int](repeating: 0, count: y.rank), after: after, value: 0, c)
        var split = padded.shape
        split.replaceSubrange(axis...axis, with: [count, step])
        var kept = y.shape
        kept[axis] = count
        return padded.reshaped(split).slice(alongAxis: axis + 1, 0..<1).reshaped(kept)
    }

    /// Pads as [top, left, bottom, right], from `pads` or `auto_pad`. SAME_UPPER and SAME_LOWER
    /// pad so that the output has ceil(size / stride) positions, the odd one after (UPPER) or
    /// before (LOWER); `spatial`, `kernel` (dilated extent) and `strides` are per axis (H, W).
    static func explicitPads(_ c: NodeContext, spatial: [Int], kernel: [Int], strides: [Int]) throws -> [Int] {
        let autoPad = try c.string("auto_pad", default: "NOTSET")
        switch autoPad {
        case "NOTSET":
            let pads = try c.ints("pads") ?? [0, 0, 0, 0]
            guard pads.count == 4, pads.allSatisfy({ $0 >= 0 && $0 <= ShapeOps.maximumPad }) else {
                throw c.fail("pads \(pads) are not supported; supported: four values in 0...\(ShapeOps.maximumPad)")
            }
            return pads
        case "VALID": return [0, 0, 0, 0]
        case "SAME_UPPER", "SAME_LOWER":
            var pads = [0, 0, 0, 0]
            for axis in 0..<2 {
                let outputs = (spatial[axis] + strides[axis] - 1) / strides[axis]
                let total = max(0, (outputs - 1) * strides[axis] + kernel[axis] - spatial[axis])
                let small = total / 2
                (pads[axis], pads[axis + 2]) = autoPad == "SAME_UPPER" ? (small, total - small) : (total - small, small)
            }
            return pads
        default: throw c.fail("auto_pad '\(autoPad)' is not supported; supported: NOTSET, VALID, SAME_UPPER, SAME_LOWER")
        }
    }

    /// The kernel with `d - 1` zeros between neighbouring taps (a dilated convolution is an
    /// ordinary one with this kernel): `O x C x kH x 1 x kW x 1` gets zero blocks appended along
    /// the unit axes, is merged back and cropped after the last tap.
    static func dilated(_ w: Var, _ dilations: [Int]) -> Var {
        let (o, ci, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        let (dh, dw) = (dilations[0], dilations[1])
        var spread = w.reshaped([o, ci, kh, 1, kw, 1])
        if dh > 1 {
            spread = Var.concatenate([spread, Var(constant: Tensor(zeros: [o, ci, kh, dh - 1, kw, 1]))], alongAxis: 3)
        }
        if dw > 1 {
            spread = Var.concatenate([spread, Var(constant: Tensor(zeros: [o, ci, kh, dh, kw, dw - 1]))], alongAxis: 5)
        }
        return spread.reshaped([o, ci, kh * dh, kw * dw])
            .slice(alongAxis: 2, 0..<((kh - 1) * dh + 1))
            .slice(alongAxis: 3, 0..<((kw - 1) * dw + 1))
    }
}
