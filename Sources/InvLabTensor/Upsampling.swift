// Nearest and bilinear upsampling of NCHW tensors by integer factors (PyTorch semantics:
// bilinear with `align_corners=False`, sampling at (i + 0.5) / scale - 0.5, clamped at 0).

extension Tensor {
    /// Nearest-neighbour upsampling: every pixel becomes a `scale x scale` block.
    public static func upsampleNearest(_ input: Tensor, scale: Int) -> Tensor {
        precondition(input.rank == 4 && scale >= 1, "upsampleNearest needs NCHW and scale >= 1")
        let (planes, h, w) = (input.shape[0] * input.shape[1], input.shape[2], input.shape[3])
        let (ho, wo) = (h * scale, w * scale)
        return Tensor(shape: [input.shape[0], input.shape[1], ho, wo], unsafeUninitialized: { out in
            input.withUnsafeBufferPointer { x in
                for plane in 0..<planes {
                    for oy in 0..<ho {
                        let src = x.baseAddress! + plane * h * w + (oy / scale) * w
                        let dst = out.baseAddress! + plane * ho * wo + oy * wo
                        for ox in 0..<wo { dst[ox] = src[ox / scale] }
                    }
                }
            }
        })
    }

    /// Gradient of nearest upsampling: each block's gradients summed.
    public static func upsampleNearestBackward(_ gradOutput: Tensor, scale: Int) -> Tensor {
        let (n, c, ho, wo) = (gradOutput.shape[0], gradOutput.shape[1], gradOutput.shape[2], gradOutput.shape[3])
        let (h, w) = (ho / scale, wo / scale)
        var result = Tensor(zeros: [n, c, h, w])
        result.withUnsafeMutableBufferPointer { dx in
            gradOutput.withUnsafeBufferPointer { dy in
                for plane in 0..<(n * c) {
                    for oy in 0..<ho {
                        let src = dy.baseAddress! + plane * ho * wo + oy * wo
                        let dst = dx.baseAddress! + plane * h * w + (oy / scale) * w
                        for ox in 0..<wo { dst[ox / scale] += src[ox] }
                    }
                }
            }
        }
        return result
    }

    /// Source coordinates and weights of bilinear sampling along one axis (align_corners=False).
    static func bilinearTaps(input: Int, output: Int) -> [(Int, Int, Float)] {
        let ratio = Float(input) / Float(output)
        return (0..<output).map { o in
            let source = max(0, (Float(o) + 0.5) * ratio - 0.5)
            let low = min(Int(source), input - 1)
            let high = min(low + 1, input - 1)
            return (low, high, min(1, source - Float(low)))
        }
    }

    /// Bilinear upsampling by an integer factor.
    public static func upsampleBilinear(_ input: Tensor, scale: Int) -> Tensor {
        precondition(input.rank == 4 && scale >= 1, "upsampleBilinear needs NCHW and scale >= 1")
        return resizeBilinear(input, height: input.shape[2] * scale, width: input.shape[3] * scale)
    }

    /// Gradient of bilinear upsampling.
    public static func upsampleBilinearBackward(_ gradOutput: Tensor, inputShape: [Int], scale: Int) -> Tensor {
        resizeBilinearBackward(gradOutput, inputShape: inputShape)
    }

    /// Bilinear resampling of NCHW images to `height x width` (PyTorch's `interpolate` with
    /// `mode="bilinear", align_corners=False, antialias=False`).
    public static func resizeBilinear(_ input: Tensor, height: Int, width: Int) -> Tensor {
        precondition(input.rank == 4 && height >= 1 && width >= 1, "resizeBilinear needs NCHW and a positive size")
        let (planes, h, w) = (input.shape[0] * input.shape[1], input.shape[2], input.shape[3])
        let (ys, xs) = (bilinearTaps(input: h, output: height), bilinearTaps(input: w, output: width))
        let (ho, wo) = (ys.count, xs.count)
        return Tensor(shape: [input.shape[0], input.shape[1], ho, wo], unsafeUninitialized: { out in
            input.withUnsafeBufferPointer { x in
                for plane in 0..<planes {
                    let src = x.baseAddress! + plane * h * w
                    let dst = out.baseAddress! + plane * ho * wo
                    for (oy, (y0, y1, fy)) in ys.enumerated() {
                        for (ox, (x0, x1, fx)) in xs.enumerated() {
                            let top = src[y0 * w + x0] * (1 - fx) + src[y0 * w + x1] * fx
                            let bottom = src[y1 * w + x0] * (1 - fx) + src[y1 * w + x1] * fx
                            dst[oy * wo + ox] = top * (1 - fy) + bottom * fy
                        }
                    }
                }
            }
        })
    }

    /// Gradient of bilinear resampling.
    public static func resizeBilinearBackward(_ gradOutput: Tensor, inputShape: [Int]) -> Tensor {
        let (planes, h, w) = (inputShape[0] * inputShape[1], inputShape[2], inputShape[3])
        let (ys, xs) = (bilinearTaps(input: h, output: gradOutput.shape[2]), bilinearTaps(input: w, output: gradOutput.shape[3]))
        let (ho, wo) = (ys.count, xs.count)
        var result = Tensor(zeros: inputShape)
        result.withUnsafeMutableBufferPointer { dx in
            gradOutput.withUnsafeBufferPointer { dy in
                for plane in 0..<planes {
                    let dst = dx.baseAddress! + plane * h * w
                    let src = dy.baseAddress! + plane * ho * wo
                    for (oy, (y0, y1, fy)) in ys.enumerated() {
                        for (ox, (x0, x1, fx)) in xs.enumerated() {
                            let g = src[oy * wo + ox]
                            dst[y0 * w + x0] += g * (1 - fy) * (1 - fx)
                            dst[y0 * w + x1] += g * (1 - fy) * fx
                            dst[y1 * w + x0] += g * fy * (1 - fx)
                            dst[y1 * w + x1] += g * fy * fx
                        }
                    }
                }
            }
        }
        return result
    }
}
