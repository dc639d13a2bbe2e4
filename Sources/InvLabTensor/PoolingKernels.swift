import Foundation

// The pooling kernels over `PoolGeometry` (see Pooling.swift for the windows they take).

extension Tensor {
    /// Max pooling; also returns, per output element, the flat in-plane index of the winner.
    public static func maxPool2d(_ input: Tensor, kernel: Int, stride: Int? = nil,
                                 padding: Int = 0) -> (output: Tensor, argmax: [Int32]) {
        maxPool2d(input, geometry: PoolGeometry(shape: input.shape, kernel: kernel, stride: stride ?? kernel, padding: padding))
    }

    /// Max pooling with any `PoolWindow` (rectangular, unequal strides, asymmetric pads,
    /// dilation); padding never wins.
    public static func maxPool2d(_ input: Tensor, window: PoolWindow) -> (output: Tensor, argmax: [Int32]) {
        maxPool2d(input, geometry: PoolGeometry(shape: input.shape, window: window))
    }

    static func maxPool2d(_ input: Tensor, geometry g: PoolGeometry) -> (output: Tensor, argmax: [Int32]) {
        let (ho, wo) = (g.ho, g.wo)
        let plain = g.isPlainTwoByTwo
        let wd = g.window
        var argmax = [Int32](repeating: 0, count: g.planes * ho * wo)
        let output = Tensor(shape: [input.shape[0], input.shape[1], ho, wo], unsafeUninitialized: { out in
            input.withUnsafeBufferPointer { x in
                argmax.withUnsafeMutableBufferPointer { arg in
                    let argBase = arg.baseAddress!
                    Parallel.forEachChunk(of: g.planes, minimumChunk: 8) { planes in
                        for plane in planes {
                            let src = x.baseAddress! + plane * g.h * g.w
                            let dst = out.baseAddress! + plane * ho * wo
                            let idx = argBase + plane * ho * wo
                            if plain {
                                for oy in 0..<ho {
                                    let r0 = src + 2 * oy * g.w, r1 = r0 + g.w
                                    for ox in 0..<wo {
                                        let c = 2 * ox
                                        var best = r0[c], at = 2 * oy * g.w + c
                                        if r0[c + 1] > best { best = r0[c + 1]; at = 2 * oy * g.w + c + 1 }
                                        if r1[c] > best { best = r1[c]; at = (2 * oy + 1) * g.w + c }
                                        if r1[c + 1] > best { best = r1[c + 1]; at = (2 * oy + 1) * g.w + c + 1 }
                                        dst[oy * wo + ox] = best
                                        idx[oy * wo + ox] = Int32(at)
                                    }
                                }
                                continue
                            }
                            for oy in 0..<ho {
                                for ox in 0..<wo {
                                    var best = -Float.infinity, at = -1
                                    for ky in 0..<wd.kernelHeight {
                                        let iy = oy * wd.strideHeight - wd.padTop + ky * wd.dilationHeight
                                        if iy < 0 || iy >= g.h { continue }
                                        for kx in 0..<wd.kernelWidth {
                                            let ix = ox * wd.strideWidth - wd.padLeft + kx * wd.dilationWidth
                                            if ix < 0 || ix >= g.w { continue }
                                            let v = src[iy * g.w + ix]
                                            if v > best || at < 0 || v.isNaN { best = v; at = iy * g.w + ix }
                                        }
                                    }
                                    dst[oy * wo + ox] = best
                                    idx[oy * wo + ox] = Int32(at)
                                }
                            }
                        }
                    }
                }
            }
        })
        return (output, argmax)
    }

    /// Gradient of max pooling: each output gradient goes to its window's winner.
    public static func maxPool2dBackward(_ gradOutput: Tensor, argmax: [Int32], inputShape: [Int]) -> Tensor {
        let planeIn = inputShape[2] * inputShape[3]
        let planes = inputShape[0] * inputShape[1]
        let planeOut = gradOutput.count / max(planes, 1)
        var result = Tensor(zeros: inputShape)
        result.withUnsafeMutableBufferPointer { dx in
            let base = dx.baseAddress!
            gradOutput.withUnsafeBufferPointer { dy in
                argmax.withUnsafeBufferPointer { arg in
                    Parallel.forEachChunk(of: planes, minimumChunk: 8) { range in
                        for plane in range {
                            let dst = base + plane * planeIn
                            for i in 0..<planeOut {
                                dst[Int(arg[plane * planeOut + i])] += dy[plane * planeOut + i]
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// Average pooling (padding counts as zeros in the average, like PyTorch's default).
    public static func avgPool2d(_ input: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
        avgPool2d(input, geometry: PoolGeometry(shape: input.shape, kernel: kernel, stride: stride ?? kernel, padding: padding))
    }

    /// Average pooling with any `PoolWindow`: the sum of the window's input elements divided by
    /// its full size, kernel height x kernel width (padding and skipped dilated positions count
    /// as zeros; ONNX's `count_include_pad = 0` divides again, see InvLabONNX's AveragePool).
    public static func avgPool2d(_ input: Tensor, window: PoolWindow) -> Tensor {
        avgPool2d(input, geometry: PoolGeometry(shape: input.shape, window: window))
    }

    static func avgPool2d(_ input: Tensor, geometry g: PoolGeometry) -> Tensor {
        let (ho, wo) = (g.ho, g.wo)
        let scale = 1 / Float(g.window.kernelHeight * g.window.kernelWidth)
        return Tensor(shape: [input.shape[0], input.shape[1], ho, wo], unsafeUninitialized: { out in
            input.withUnsafeBufferPointer { x in
                for plane in 0..<g.planes {
                    let src = x.baseAddress! + plane * g.h * g.w
                    let dst = out.baseAddress! + plane * ho * wo
                    for oy in 0..<ho {
                        for ox in 0..<wo {
                            var total: Float = 0
                            g.forEachTap(oy, ox) { total += src[$0] }
                            dst[oy * wo + ox] = total * scale
                        }
                    }
                }
            }
        })
    }

    /// Gradient of average pooling.
    public static func avgPool2dBackward(_ gradOutput: Tensor, inputShape: [Int], kernel: Int,
                                         stride: Int? = nil, padding: Int = 0) -> Tensor {
        avgPool2dBackward(gradOutput, inputShape: inputShape, geometry: PoolGeometry(shape: inputShape, kernel: kernel, stride: stride ?? kernel, padding: padding))
    }

    /// Gradient of average pooling with any `PoolWindow`.
    public static func avgPool2dBackward(_ gradOutput: Tensor, inputShape: [Int], window: PoolWindow) -> Tensor {
        avgPool2dBackward(gradOutput, inputShape: inputShape, geometry: PoolGeometry(shape: inputShape, window: window))
    }

    static func avgPool2dBackward(_ gradOutput: Tensor, inputShape: [Int], geometry g: PoolGeometry) -> Tensor {
        let (ho, wo) = (g.ho, g.wo)
        let scale = 1 / Float(g.window.kernelHeight * g.window.kernelWidth)
        var result = Tensor(zeros: inputShape)
        result.withUnsafeMutableBufferPointer { dx in
            gradOutput.withUnsafeBufferPointer { dy in
                for plane in 0..<g.planes {
                    let dst = dx.baseAddress! + plane * g.h * g.w
                    let src = dy.baseAddress! + plane * ho * wo
                    for oy in 0..<ho {
                        for ox in 0..<wo {
                            let value = src[oy * wo + ox] * scale
                            g.forEachTap(oy, ox) { dst[$0] += value }
                        }
                    }
                }
            }
        }
        return result
    }
}
