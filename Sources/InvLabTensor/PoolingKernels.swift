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
        let (w, dh, dw) = (g.w, g.window.dilationHeight, g.window.dilationWidth)
        let (rows, columns) = (g.taps(vertical: true), g.taps(vertical: false))
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
                            // Every window has a tap inside the input (PoolWindow refuses the others): it
                            // starts as the best, and a later tap wins when larger or NaN.
                            rows.withUnsafeBufferPointer { rows in
                                columns.withUnsafeBufferPointer { columns in
                                    for oy in 0..<ho {
                                        let (y0, ny) = rows[oy]
                                        for ox in 0..<wo {
                                            let (x0, nx) = columns[ox]
                                            var at = y0 &* w &+ x0, best = src[at]
                                            var line = at
                                            for _ in 0..<ny {
                                                var tap = line
                                                for _ in 0..<nx {
                                                    let v = src[tap]
                                                    if v > best || v.isNaN { best = v; at = tap }
                                                    tap &+= dw
                                                }
                                                line &+= dh &* w
                                            }
                                            dst[oy &* wo &+ ox] = best
                                            idx[oy &* wo &+ ox] = Int32(truncatingIfNeeded: at)
                                        }
                                    }
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

    /// Average pooling (padding counts as zeros in the average, like PyTorch's default), planes
    /// in parallel.
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
        let (w, dh, dw) = (g.w, g.window.dilationHeight, g.window.dilationWidth)
        let (rows, columns) = (g.taps(vertical: true), g.taps(vertical: false))
        return Tensor(shape: [input.shape[0], input.shape[1], ho, wo], unsafeUninitialized: { out in
            input.withUnsafeBufferPointer { x in
                let (source, target) = (x.baseAddress!, out.baseAddress!)
                Parallel.forEachChunk(of: g.planes, minimumChunk: 8) { planes in
                    for plane in planes {
                        let src = source + plane * g.h * g.w
                        let dst = target + plane * ho * wo
                        for oy in 0..<ho {
                            let (y0, ny) = rows[oy]
                            for ox in 0..<wo {
                                let (x0, nx) = columns[ox]
                                var total: Float = 0
                                var row = src + y0 * w
                                for _ in 0..<ny {
                                    var ix = x0
                                    for _ in 0..<nx { total += row[ix]; ix += dw }
                                    row += dh * w
                                }
                                dst[oy * wo + ox] = total * scale
                            }
                        }
                    }
                }
            }
        })
    }

    /// Gradient of average pooling (planes in parallel, like the forward pass).
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
        let (w, dh, dw) = (g.w, g.window.dilationHeight, g.window.dilationWidth)
        let (rows, columns) = (g.taps(vertical: true), g.taps(vertical: false))
        var result = Tensor(zeros: inputShape)
        result.withUnsafeMutableBufferPointer { dx in
            gradOutput.withUnsafeBufferPointer { dy in
                let (target, source) = (dx.baseAddress!, dy.baseAddress!)
                Parallel.forEachChunk(of: g.planes, minimumChunk: 8) { planes in
                    for plane in planes {
                        let dst = target + plane * g.h * g.w
                        let src = source + plane * ho * wo
                        for oy in 0..<ho {
                            let (y0, ny) = rows[oy]
                            for ox in 0..<wo {
                                let (x0, nx) = columns[ox]
                                let value = src[oy * wo + ox] * scale
                                var row = dst + y0 * w
                                for _ in 0..<ny {
                                    var ix = x0
                                    for _ in 0..<nx { row[ix] += value; ix += dw }
                                    row += dh * w
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
