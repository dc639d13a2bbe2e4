import Foundation

// 2-D convolution kernels in NCHW layout (PyTorch's), by im2col and BLAS GEMM.
//
// Each image's patches are unfolded into a `(C*kh*kw) x (Ho*Wo)` matrix, so a convolution is one
// GEMM per image. Images are split across `Parallel.threads`, each thread with its own
// unfolding buffer and a single-threaded GEMM. Backward passes reuse the same unfolding
// (recomputed rather than stored, which keeps memory flat for large batches).

/// Sizes of a convolution: input `n x c x h x w`, weight `o x c x kh x kw`, output `n x o x ho x wo`.
public struct ConvGeometry: Equatable, Sendable {
    public var n, c, h, w, o, kh, kw, stride, padding: Int
    public var ho: Int { (h + 2 * padding - kh) / stride + 1 }
    public var wo: Int { (w + 2 * padding - kw) / stride + 1 }
    /// Rows of the unfolded patch matrix.
    public var patchRows: Int { c * kh * kw }
    /// Output positions per image (columns of the patch matrix).
    public var positions: Int { ho * wo }

    public init(input: [Int], weight: [Int], stride: Int, padding: Int) {
        precondition(input.count == 4 && weight.count == 4 && input[1] == weight[1],
                     "conv2d needs input NCHW and weight OCHW with equal C, got \(input) and \(weight)")
        precondition(stride >= 1 && padding >= 0, "conv2d needs stride >= 1 and padding >= 0")
        (n, c, h, w) = (input[0], input[1], input[2], input[3])
        (o, kh, kw) = (weight[0], weight[2], weight[3])
        (self.stride, self.padding) = (stride, padding)
        precondition(h + 2 * padding >= kh && w + 2 * padding >= kw,
                     "conv2d kernel \(kh)x\(kw) larger than padded input \(h)x\(w) (padding \(padding))")
    }

    /// True when the unfolding is the identity (1x1 kernel, stride 1, no padding).
    var isPointwise: Bool { kh == 1 && kw == 1 && stride == 1 && padding == 0 }
}

enum Unfold {
    /// Writes the patch matrix of one `c x h x w` image into `col` (`patchRows x positions`, rows
    /// `rowStride` apart: `positions` for one image alone, more when several images share the matrix).
    static func im2col(_ src: UnsafePointer<Float>, _ g: ConvGeometry, _ col: UnsafeMutablePointer<Float>, rowStride: Int? = nil) {
        let (ho, wo, positions) = (g.ho, g.wo, rowStride ?? g.positions)
        for ch in 0..<g.c {
            let plane = src + ch * g.h * g.w
            for ki in 0..<g.kh {
                for kj in 0..<g.kw {
                    let row = col + ((ch * g.kh + ki) * g.kw + kj) * positions
                    // Output columns whose input column ix = ox*stride - padding + kj is inside [0, w).
                    let lo = max(0, (g.padding - kj + g.stride - 1) / g.stride)
                    let hi = min(wo, max(lo, (g.w - 1 + g.padding - kj) / g.stride + 1))
                    for oy in 0..<ho {
                        let iy = oy * g.stride - g.padding + ki
                        let dst = row + oy * wo
                        if iy < 0 || iy >= g.h || lo >= hi {
                            dst.update(repeating: 0, count: wo)
                            continue
                        }
                        if lo > 0 { dst.update(repeating: 0, count: lo) }
                        let line = plane + iy * g.w
                        if g.stride == 1 {
                            (dst + lo).update(from: line + (lo - g.padding + kj), count: hi - lo)
                        } else {
                            var ix = lo * g.stride - g.padding + kj
                            for ox in lo..<hi { dst[ox] = line[ix]; ix += g.stride }
                        }
                        if hi < wo { (dst + hi).update(repeating: 0, count: wo - hi) }
                    }
                }
            }
        }
    }

    /// Adds the patch matrix `col` back into one `c x h x w` image (the adjoint of `im2col`; rows
    /// `rowStride` apart).
    static func col2im(_ col: UnsafePointer<Float>, _ g: ConvGeometry, _ dst: UnsafeMutablePointer<Float>, rowStride: Int? = nil) {
        let (ho, wo, positions) = (g.ho, g.wo, rowStride ?? g.positions)
        for ch in 0..<g.c {
            let plane = dst + ch * g.h * g.w
            for ki in 0..<g.kh {
                for kj in 0..<g.kw {
                    let row = col + ((ch * g.kh + ki) * g.kw + kj) * positions
                    let lo = max(0, (g.padding - kj + g.stride - 1) / g.stride)
                    let hi = min(wo, max(lo, (g.w - 1 + g.padding - kj) / g.stride + 1))
                    if lo >= hi { continue }
                    for oy in 0..<ho {
                        let iy = oy * g.stride - g.padding + ki
                        if iy < 0 || iy >= g.h { continue }
                        let src = row + oy * wo
                        let line = plane + iy * g.w
                        var ix = lo * g.stride - g.padding + kj
                        if g.stride == 1 {
                            for ox in lo..<hi { line[ix] += src[ox]; ix += 1 }
                        } else {
                            for ox in lo..<hi { line[ix] += src[ox]; ix += g.stride }
                        }
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// `conv2d(input, weight) + bias`: input `n x c x h x w`, weight `o x c x kh x kw`, bias `o`.
    public static func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor?, stride: Int = 1,
                              padding: Int = 0) -> Tensor {
        let g = ConvGeometry(input: input.shape, weight: weight.shape, stride: stride, padding: padding)
        if let bias { precondition(bias.shape == [g.o], "conv2d bias must have shape [\(g.o)], got \(bias.shape)") }
        let (k, p) = (g.patchRows, g.positions)
        if let group = ConvGrouping.imagesPerProduct(g) { return conv2dGrouped(input, weight: weight, bias: bias, g, group: group) }
        return Tensor(shape: [g.n, g.o, g.ho, g.wo], unsafeUninitialized: { out in
            input.withUnsafeBufferPointer { x in
                weight.withUnsafeBufferPointer { wt in
                    Parallel.forEachChunk(of: g.n) { images in
                        let col = g.isPointwise ? nil : UnsafeMutablePointer<Float>.allocate(capacity: k * p)
                        defer { col?.deallocate() }
                        for image in images {
                            let src = x.baseAddress! + image * g.c * g.h * g.w
                            let dst = out.baseAddress! + image * g.o * p
                            if let col { Unfold.im2col(src, g, col) }
                            BLAS.gemm(transposeA: false, transposeB: false, m: g.o, n: p, k: k,
                                      a: wt.baseAddress!, lda: k, b: col.map { UnsafePointer($0) } ?? src, ldb: p,
                                      c: dst, ldc: p)
                            if let bias {
                                bias.withUnsafeBufferPointer { b in
                                    for ch in 0..<g.o {
                                        let row = dst + ch * p, value = b[ch]
                                        for i in 0..<p { row[i] += value }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        })
    }

    /// Gradient of `conv2d` with respect to its input, given the gradient of its output.
    /// This is also the forward pass of a transposed convolution.
    public static func conv2dBackwardInput(_ gradOutput: Tensor, weight: Tensor, inputShape: [Int],
                                           stride: Int = 1, padding: Int = 0) -> Tensor {
        let g = ConvGeometry(input: inputShape, weight: weight.shape, stride: stride, padding: padding)
        precondition(gradOutput.shape == [g.n, g.o, g.ho, g.wo],
                     "conv2d output gradient has shape \(gradOutput.shape), expected \([g.n, g.o, g.ho, g.wo])")
        let (k, p, imageSize) = (g.patchRows, g.positions, g.c * g.h * g.w)
        if let group = ConvGrouping.imagesPerProduct(g) { return conv2dBackwardInputGrouped(gradOutput, weight: weight, g, group: group) }
        return Tensor(shape: inputShape, unsafeUninitialized: { out in
            gradOutput.withUnsafeBufferPointer { dy in
                weight.withUnsafeBufferPointer { wt in
                    Parallel.forEachChunk(of: g.n) { images in
                        let col = UnsafeMutablePointer<Float>.allocate(capacity: k * p)
                        defer { col.deallocate() }
                        for image in images {
                            let dst = out.baseAddress! + image * imageSize
                            let target = g.isPointwise ? dst : col
                            BLAS.gemm(transposeA: true, transposeB: false, m: k, n: p, k: g.o,
                                      a: wt.baseAddress!, lda: k, b: dy.baseAddress! + image * g.o * p, ldb: p,
                                      c: target, ldc: p)
                            if !g.isPointwise {
                                dst.update(repeating: 0, count: imageSize)
                                Unfold.col2im(col, g, dst)
                            }
                        }
                    }
                }
            }
        })
    }

    /// Gradient of `conv2d` with respect to its weight (`o x c x kh x kw`) and bias (`o`).
    public static func conv2dBackwardWeight(_ gradOutput: Tensor, input: Tensor, weightShape: [Int],
                                            stride: Int = 1, padding: Int = 0) -> (weight: Tensor, bias: Tensor) {
        let g = ConvGeometry(input: input.shape, weight: weightShape, stride: stride, padding: padding)
        let (k, p) = (g.patchRows, g.positions)
        let chunks = max(1, min(Parallel.threads, g.n))
        // One partial sum per chunk, added in chunk order: deterministic for a given thread count.
        var partials = [Tensor](repeating: Tensor(zeros: [g.o * k + g.o]), count: chunks)
        input.withUnsafeBufferPointer { x in
            gradOutput.withUnsafeBufferPointer { dy in
                let partialPointers = (0..<chunks).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: g.o * k + g.o) }
                defer { partialPointers.forEach { $0.deallocate() } }
                let run: (Int) -> Void = { chunk in
                    let acc = partialPointers[chunk]
                    acc.update(repeating: 0, count: g.o * k + g.o)
                    let col = g.isPointwise ? nil : UnsafeMutablePointer<Float>.allocate(capacity: k * p)
                    defer { col?.deallocate() }
                    for image in Parallel.chunkRange(chunk, of: chunks, count: g.n) {
                        let src = x.baseAddress! + image * g.c * g.h * g.w
                        if let col { Unfold.im2col(src, g, col) }
                        let dyImage = dy.baseAddress! + image * g.o * p
                        BLAS.gemm(transposeA: false, transposeB: true, m: g.o, n: k, k: p,
                                  a: dyImage, lda: p, b: col.map { UnsafePointer($0) } ?? src, ldb: p,
                                  beta: 1, c: acc, ldc: k)
                        let biasAcc = acc + g.o * k
                        for ch in 0..<g.o {
                            let row = dyImage + ch * p
                            var total: Float = 0
                            for i in 0..<p { total += row[i] }
                            biasAcc[ch] += total
                        }
                    }
                }
                if chunks == 1 { run(0) } else { Parallel.perform(iterations: chunks, run) }
                for chunk in 0..<chunks {
                    partials[chunk] = Tensor(shape: [g.o * k + g.o], unsafeUninitialized: { buffer in
                        buffer.baseAddress!.update(from: partialPointers[chunk], count: g.o * k + g.o)
                    })
                }
            }
        }
        var total = partials[0]
        for chunk in 1..<chunks { total.add(partials[chunk]) }
        let weightGrad = total.slice(alongAxis: 0, 0..<(g.o * k)).reshaped(weightShape)
        let biasGrad = total.slice(alongAxis: 0, (g.o * k)..<(g.o * k + g.o))
        return (weightGrad, biasGrad)
    }
}
