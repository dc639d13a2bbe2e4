import Foundation

// Convolution + bias + ReLU + 2x2 max pooling, fused per image.
//
// The CNNs that InversionLab attacks and trains are stacks of exactly this block. Unfused, every
// block writes the full-resolution convolution output of the whole batch, then a ReLU copy, then
// pools it, and the backward pass scatters into a full-resolution gradient again: several passes
// over tens of megabytes per block. Fused, each image's convolution output stays in a per-thread
// buffer (a few hundred kilobytes, cache-resident) and only the pooled result and the winners'
// positions are kept. max(relu(v)) = relu(max(v)), so pooling before the ReLU gives the same values
// and gradients.

/// What the fused forward pass keeps for the backward pass.
public struct ConvBlockSaved: Sendable {
    /// Flat in-plane index (of the convolution output) of each pooled element's winner.
    public var argmax: [Int32]
    public var geometry: ConvGeometry
}

extension Tensor {
    /// `maxpool2(relu(conv2d(x, w) + b))` for an NCHW batch; the pooled output is
    /// `N x O x floor(Ho/2) x floor(Wo/2)`.
    public static func convReLUMaxPool(_ input: Tensor, weight: Tensor, bias: Tensor?, stride: Int = 1,
                                       padding: Int = 0) -> (output: Tensor, saved: ConvBlockSaved) {
        let g = ConvGeometry(input: input.shape, weight: weight.shape, stride: stride, padding: padding)
        let (k, p, ho, wo) = (g.patchRows, g.positions, g.ho / 2, g.wo / 2)
        precondition(ho >= 1 && wo >= 1, "convReLUMaxPool: convolution output \(g.ho)x\(g.wo) is too small to pool")
        let pooled = ho * wo
        var argmax = [Int32](repeating: 0, count: g.n * g.o * pooled)
        let output = Tensor(shape: [g.n, g.o, ho, wo], unsafeUninitialized: { out in
            input.withUnsafeBufferPointer { x in
                weight.withUnsafeBufferPointer { wt in
                    argmax.withUnsafeMutableBufferPointer { arg in
                        let argBase = arg.baseAddress!
                        let biasValues = bias?.scalars
                        Parallel.forEachChunk(of: g.n) { images in
                            let col = g.isPointwise ? nil : UnsafeMutablePointer<Float>.allocate(capacity: k * p)
                            let conv = UnsafeMutablePointer<Float>.allocate(capacity: g.o * p)
                            defer { col?.deallocate(); conv.deallocate() }
                            for image in images {
                                let src = x.baseAddress! + image * g.c * g.h * g.w
                                if let col { Unfold.im2col(src, g, col) }
                                BLAS.gemm(transposeA: false, transposeB: false, m: g.o, n: p, k: k,
                                          a: wt.baseAddress!, lda: k, b: col.map { UnsafePointer($0) } ?? src, ldb: p,
                                          c: conv, ldc: p)
                                let dst = out.baseAddress! + image * g.o * pooled
                                let idx = argBase + image * g.o * pooled
                                for channel in 0..<g.o {
                                    let plane = conv + channel * p
                                    let b = biasValues?[channel] ?? 0
                                    for oy in 0..<ho {
                                        let r0 = 2 * oy * g.wo, r1 = r0 + g.wo
                                        for ox in 0..<wo {
                                            let c0 = r0 + 2 * ox, c1 = r1 + 2 * ox
                                            var best = plane[c0], at = c0
                                            if plane[c0 + 1] > best { best = plane[c0 + 1]; at = c0 + 1 }
                                            if plane[c1] > best { best = plane[c1]; at = c1 }
                                            if plane[c1 + 1] > best { best = plane[c1 + 1]; at = c1 + 1 }
                                            let o = channel * pooled + oy * wo + ox
                                            dst[o] = max(best + b, 0)
                                            idx[o] = Int32(at)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        })
        return (output, ConvBlockSaved(argmax: argmax, geometry: g))
    }

    /// Gradients of `convReLUMaxPool` with respect to the input (if `needInput`) and the weight
    /// and bias (if `needParameters`), from the pooled output's gradient and values.
    public static func convReLUMaxPoolBackward(_ gradOutput: Tensor, output: Tensor, input: Tensor, weight: Tensor,
                                               saved: ConvBlockSaved, stride: Int, padding: Int, needInput: Bool,
                                               needParameters: Bool) -> (input: Tensor?, weight: Tensor?, bias: Tensor?) {
        let g = saved.geometry
        let (k, p) = (g.patchRows, g.positions)
        let pooled = (g.ho / 2) * (g.wo / 2)
        let imageSize = g.c * g.h * g.w
        let chunks = max(1, min(Parallel.threads, g.n))
        var inputGrad: Tensor? = needInput ? Tensor(zeros: input.shape) : nil
        let accumulatorSize = g.o * k + g.o
        let accumulators = (0..<chunks).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: accumulatorSize) }
        defer { accumulators.forEach { $0.deallocate() } }
        let inputGradBase: UnsafeMutablePointer<Float>? = inputGrad?.withUnsafeMutableBufferPointer { $0.baseAddress }
        input.withUnsafeBufferPointer { x in
            weight.withUnsafeBufferPointer { wt in
                gradOutput.withUnsafeBufferPointer { dy in
                    output.withUnsafeBufferPointer { y in
                        saved.argmax.withUnsafeBufferPointer { arg in
                            let run: (Int) -> Void = { chunk in
                                let acc = accumulators[chunk]
                                acc.update(repeating: 0, count: accumulatorSize)
                                let col = UnsafeMutablePointer<Float>.allocate(capacity: k * p)
                                let gradConv = UnsafeMutablePointer<Float>.allocate(capacity: g.o * p)
                                defer { col.deallocate(); gradConv.deallocate() }
                                for image in Parallel.chunkRange(chunk, of: chunks, count: g.n) {
                                    // Route each pooled gradient to its window's winner, where the ReLU was active.
                                    gradConv.update(repeating: 0, count: g.o * p)
                                    let base = image * g.o * pooled
                                    for channel in 0..<g.o {
                                        for i in 0..<pooled where y[base + channel * pooled + i] > 0 {
                                            gradConv[channel * p + Int(arg[base + channel * pooled + i])] = dy[base + channel * pooled + i]
                                        }
                                    }
                                    let src = x.baseAddress! + image * imageSize
                                    if needParameters {
                                        let patches: UnsafePointer<Float>
                                        if g.isPointwise { patches = src } else { Unfold.im2col(src, g, col); patches = UnsafePointer(col) }
                                        BLAS.gemm(transposeA: false, transposeB: true, m: g.o, n: k, k: p,
                                                  a: gradConv, lda: p, b: patches, ldb: p, beta: 1, c: acc, ldc: k)
                                        for channel in 0..<g.o {
                                            var total: Float = 0
                                            for i in 0..<p { total += gradConv[channel * p + i] }
                                            acc[g.o * k + channel] += total
                                        }
                                    }
                                    if let inputGradBase {
                                        let dst = inputGradBase + image * imageSize
                                        BLAS.gemm(transposeA: true, transposeB: false, m: k, n: p, k: g.o,
                                                  a: wt.baseAddress!, lda: k, b: gradConv, ldb: p,
                                                  c: g.isPointwise ? dst : col, ldc: p)
                                        if !g.isPointwise { Unfold.col2im(col, g, dst) }
                                    }
                                }
                            }
                            if chunks == 1 { run(0) } else { Parallel.perform(iterations: chunks, run) }
                        }
                    }
                }
            }
        }
        guard needParameters else { return (inputGrad, nil, nil) }
        var total = [Float](repeating: 0, count: accumulatorSize)
        for chunk in 0..<chunks { for i in 0..<accumulatorSize { total[i] += accumulators[chunk][i] } }
        let weightGrad = Tensor(shape: weight.shape, scalars: Array(total[0..<(g.o * k)]))
        let biasGrad = Tensor(shape: [g.o], scalars: Array(total[(g.o * k)...]))
        return (inputGrad, weightGrad, biasGrad)
    }
}
