import Foundation

// Max and average pooling over the last two axes of an NCHW tensor (PyTorch semantics:
// floor output size, implicit padding that never wins a max, average over the full window
// including padding, i.e. `count_include_pad=True`).

/// Window geometry shared by the pooling kernels.
public struct PoolGeometry: Equatable, Sendable {
    public var planes, h, w, kernel, stride, padding: Int
    public var ho: Int { (h + 2 * padding - kernel) / stride + 1 }
    public var wo: Int { (w + 2 * padding - kernel) / stride + 1 }

    public init(shape: [Int], kernel: Int, stride: Int, padding: Int) {
        precondition(shape.count == 4, "pooling needs an NCHW tensor, got shape \(shape)")
        precondition(kernel >= 1 && stride >= 1 && padding >= 0 && padding * 2 <= kernel,
                     "bad pooling window kernel \(kernel) stride \(stride) padding \(padding)")
        precondition(shape[2] + 2 * padding >= kernel && shape[3] + 2 * padding >= kernel,
                     "pooling window \(kernel) larger than input \(shape)")
        planes = shape[0] * shape[1]
        (h, w) = (shape[2], shape[3])
        (self.kernel, self.stride, self.padding) = (kernel, stride, padding)
    }
}

extension Tensor {
    /// Max pooling; also returns, per output element, the flat in-plane index of the winner.
    public static func maxPool2d(_ input: Tensor, kernel: Int, stride: Int? = nil,
                                 padding: Int = 0) -> (output: Tensor, argmax: [Int32]) {
        let g = PoolGeometry(shape: input.shape, kernel: kernel, stride: stride ?? kernel, padding: padding)
        let (ho, wo) = (g.ho, g.wo)
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
                            if g.kernel == 2 && g.stride == 2 && g.padding == 0 {
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
                                    for ky in 0..<g.kernel {
                                        let iy = oy * g.stride - g.padding + ky
                                        if iy < 0 || iy >= g.h { continue }
                                        for kx in 0..<g.kernel {
                                            let ix = ox * g.stride - g.padding + kx
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
        let g = PoolGeometry(shape: input.shape, kernel: kernel, stride: stride ?? kernel, padding: padding)
        let (ho, wo) = (g.ho, g.wo)
        let scale = 1 / Float(g.kernel * g.kernel)
        return Tensor(shape: [input.shape[0], input.shape[1], ho, wo], unsafeUninitialized: { out in
            input.withUnsafeBufferPointer { x in
                for plane in 0..<g.planes {
                    let src = x.baseAddress! + plane * g.h * g.w
                    let dst = out.baseAddress! + plane * ho * wo
                    for oy in 0..<ho {
                        for ox in 0..<wo {
                            var total: Float = 0
                            for ky in 0..<g.kernel {
                                let iy = oy * g.stride - g.padding + ky
                                if iy < 0 || iy >= g.h { continue }
                                for kx in 0..<g.kernel {
                                    let ix = ox * g.stride - g.padding + kx
                                    if ix >= 0 && ix < g.w { total += src[iy * g.w + ix] }
                                }
                            }
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
        let g = PoolGeometry(shape: inputShape, kernel: kernel, stride: stride ?? kernel, padding: padding)
        let (ho, wo) = (g.ho, g.wo)
        let scale = 1 / Float(g.kernel * g.kernel)
        var result = Tensor(zeros: inputShape)
        result.withUnsafeMutableBufferPointer { dx in
            gradOutput.withUnsafeBufferPointer { dy in
                for plane in 0..<g.planes {
                    let dst = dx.baseAddress! + plane * g.h * g.w
                    let src = dy.baseAddress! + plane * ho * wo
                    for oy in 0..<ho {
                        for ox in 0..<wo {
                            let value = src[oy * wo + ox] * scale
                            for ky in 0..<g.kernel {
                                let iy = oy * g.stride - g.padding + ky
                                if iy < 0 || iy >= g.h { continue }
                                for kx in 0..<g.kernel {
                                    let ix = ox * g.stride - g.padding + kx
                                    if ix >= 0 && ix < g.w { dst[iy * g.w + ix] += value }
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }
}
