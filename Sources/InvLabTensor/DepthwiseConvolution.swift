// Depthwise 2-D convolution (groups = input channels) by direct loops.
//
// MobileNet-style networks (MobileNetV2/V3, MobileFaceNet) filter each channel with its own small
// kernel. As a grouped convolution of im2col products that is one product per channel and image
// with a single output row: thousands of calls that each do a few hundred multiply-adds. Here
// each plane is copied once into a zero-padded scratch plane and every tap is one pass of
// multiply-adds over the output rows, which the compiler vectorises at stride 1. Output channel
// `oc` filters input channel `oc / multiplier` (ONNX's and PyTorch's order for a channel
// multiplier above 1). Planes are split over `Parallel.threads`; the weight gradient is split by
// channel, so every sum runs in one fixed order whatever the batch.

/// Sizes of a depthwise convolution: input `n x c x h x w`, weight `c m x 1 x kh x kw`.
public struct DepthwiseGeometry: Equatable, Sendable {
    public var n, c, h, w, multiplier, kh, kw, stride, padding: Int
    public var outputs: Int { c * multiplier }
    public var ho: Int { (h + 2 * padding - kh) / stride + 1 }
    public var wo: Int { (w + 2 * padding - kw) / stride + 1 }
    /// The zero-padded plane every output position reads inside.
    var paddedH: Int { h + 2 * padding }
    var paddedW: Int { w + 2 * padding }

    public init(input: [Int], weight: [Int], stride: Int, padding: Int) {
        precondition(input.count == 4 && weight.count == 4 && weight[1] == 1 && input[1] >= 1 && weight[0] % input[1] == 0,
                     "depthwise conv2d needs input NCHW and weight (C m) x 1 x kh x kw, got \(input) and \(weight)")
        precondition(stride >= 1 && padding >= 0, "depthwise conv2d needs stride >= 1 and padding >= 0")
        (n, c, h, w) = (input[0], input[1], input[2], input[3])
        (multiplier, kh, kw) = (weight[0] / input[1], weight[2], weight[3])
        (self.stride, self.padding) = (stride, padding)
        precondition(h + 2 * padding >= kh && w + 2 * padding >= kw,
                     "depthwise conv2d kernel \(kh)x\(kw) larger than padded input \(h)x\(w) (padding \(padding))")
    }

    /// Copies plane `source` (`h x w`) into the middle of `padded` (its border stays zero).
    func pad(_ source: UnsafePointer<Float>, into padded: UnsafeMutablePointer<Float>) {
        for y in 0..<h { (padded + (y + padding) * paddedW + padding).update(from: source + y * w, count: w) }
    }
}

extension Tensor {
    /// Depthwise `conv2d(input, weight) + bias` (groups = input channels).
    public static func depthwiseConv2d(_ input: Tensor, weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0) -> Tensor {
        let g = DepthwiseGeometry(input: input.shape, weight: weight.shape, stride: stride, padding: padding)
        if let bias { precondition(bias.shape == [g.outputs], "depthwise conv2d bias must have shape [\(g.outputs)], got \(bias.shape)") }
        let (ho, wo, pw, s, taps) = (g.ho, g.wo, g.paddedW, g.stride, g.kh * g.kw)
        let biasValues = bias?.scalars
        return Tensor(shape: [g.n, g.outputs, ho, wo], unsafeUninitialized: { out in
            input.withUnsafeBufferPointer { x in
                weight.withUnsafeBufferPointer { wt in
                    Parallel.forEachChunk(of: g.n * g.outputs) { planes in
                        let padded = UnsafeMutablePointer<Float>.allocate(capacity: g.paddedH * pw)
                        padded.initialize(repeating: 0, count: g.paddedH * pw)
                        defer { padded.deallocate() }
                        var loaded = -1
                        for plane in planes {
                            let (image, oc) = plane.quotientAndRemainder(dividingBy: g.outputs)
                            let source = image * g.c + oc / g.multiplier
                            if source != loaded { g.pad(x.baseAddress! + source * g.h * g.w, into: padded); loaded = source }
                            let dst = out.baseAddress! + plane * ho * wo, kernel = wt.baseAddress! + oc * taps
                            dst.update(repeating: biasValues?[oc] ?? 0, count: ho * wo)
                            for ki in 0..<g.kh {
                                for kj in 0..<g.kw {
                                    let tap = kernel[ki * g.kw + kj]
                                    for oy in 0..<ho {
                                        let row = dst + oy * wo, line = UnsafePointer(padded) + (oy * s + ki) * pw + kj
                                        if s == 1 {
                                            for ox in 0..<wo { row[ox] += tap * line[ox] }
                                        } else {
                                            for ox in 0..<wo { row[ox] += tap * line[ox &* s] }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        })
    }

    /// Gradient of `depthwiseConv2d` with respect to its input.
    public static func depthwiseConv2dBackwardInput(_ gradOutput: Tensor, weight: Tensor, inputShape: [Int],
                                                    stride: Int = 1, padding: Int = 0) -> Tensor {
        let g = DepthwiseGeometry(input: inputShape, weight: weight.shape, stride: stride, padding: padding)
        precondition(gradOutput.shape == [g.n, g.outputs, g.ho, g.wo],
                     "depthwise conv2d output gradient has shape \(gradOutput.shape), expected \([g.n, g.outputs, g.ho, g.wo])")
        let (ho, wo, pw, s, taps) = (g.ho, g.wo, g.paddedW, g.stride, g.kh * g.kw)
        return Tensor(shape: inputShape, unsafeUninitialized: { out in
            gradOutput.withUnsafeBufferPointer { dy in
                weight.withUnsafeBufferPointer { wt in
                    // One input plane at a time: the gradients of its `multiplier` output planes
                    // are scattered into a padded plane, whose middle is the plane's gradient.
                    Parallel.forEachChunk(of: g.n * g.c) { planes in
                        let padded = UnsafeMutablePointer<Float>.allocate(capacity: g.paddedH * pw)
                        defer { padded.deallocate() }
                        for plane in planes {
                            let (image, channel) = plane.quotientAndRemainder(dividingBy: g.c)
                            padded.update(repeating: 0, count: g.paddedH * pw)
                            for copy in 0..<g.multiplier {
                                let oc = channel * g.multiplier + copy
                                let gradient = dy.baseAddress! + (image * g.outputs + oc) * ho * wo, kernel = wt.baseAddress! + oc * taps
                                for ki in 0..<g.kh {
                                    for kj in 0..<g.kw {
                                        let tap = kernel[ki * g.kw + kj]
                                        for oy in 0..<ho {
                                            let row = gradient + oy * wo, line = padded + (oy * s + ki) * pw + kj
                                            if s == 1 {
                                                for ox in 0..<wo { line[ox] += tap * row[ox] }
                                            } else {
                                                for ox in 0..<wo { line[ox &* s] += tap * row[ox] }
                                            }
                                        }
                                    }
                                }
                            }
                            let dst = out.baseAddress! + plane * g.h * g.w
                            for y in 0..<g.h { (dst + y * g.w).update(from: padded + (y + g.padding) * pw + g.padding, count: g.w) }
                        }
                    }
                }
            }
        })
    }

    /// Gradients of `depthwiseConv2d` with respect to its weight (`c m x 1 x kh x kw`) and bias.
    public static func depthwiseConv2dBackwardWeight(_ gradOutput: Tensor, input: Tensor, weightShape: [Int],
                                                     stride: Int = 1, padding: Int = 0) -> (weight: Tensor, bias: Tensor) {
        let g = DepthwiseGeometry(input: input.shape, weight: weightShape, stride: stride, padding: padding)
        let (ho, wo, pw, s, taps) = (g.ho, g.wo, g.paddedW, g.stride, g.kh * g.kw)
        var biasGradient = [Float](repeating: 0, count: g.outputs)
        let weightGradient = Tensor(shape: weightShape, unsafeUninitialized: { dw in
            input.withUnsafeBufferPointer { x in
                gradOutput.withUnsafeBufferPointer { dy in
                    biasGradient.withUnsafeMutableBufferPointer { db in
                        let db = db
                        Parallel.forEachChunk(of: g.outputs) { channels in
                            let padded = UnsafeMutablePointer<Float>.allocate(capacity: g.paddedH * pw)
                            padded.initialize(repeating: 0, count: g.paddedH * pw)
                            defer { padded.deallocate() }
                            for oc in channels {
                                let kernel = dw.baseAddress! + oc * taps
                                kernel.update(repeating: 0, count: taps)
                                var biasTotal: Float = 0
                                for image in 0..<g.n {
                                    g.pad(x.baseAddress! + (image * g.c + oc / g.multiplier) * g.h * g.w, into: padded)
                                    let gradient = dy.baseAddress! + (image * g.outputs + oc) * ho * wo
                                    for i in 0..<(ho * wo) { biasTotal += gradient[i] }
                                    for ki in 0..<g.kh {
                                        for kj in 0..<g.kw {
                                            var total: Float = 0
                                            for oy in 0..<ho {
                                                let row = gradient + oy * wo, line = UnsafePointer(padded) + (oy * s + ki) * pw + kj
                                                for ox in 0..<wo { total += row[ox] * line[ox &* s] }
                                            }
                                            kernel[ki * g.kw + kj] += total
                                        }
                                    }
                                }
                                db[oc] = biasTotal
                            }
                        }
                    }
                }
            }
        })
        return (weightGradient, Tensor(biasGradient))
    }
}
