/// Convolutions whose images have few output positions (the late stages of a ResNet: 12 to 168
/// positions at 112x92) as one matrix product per group of images instead of one per image.
///
/// Per image, the product is `o x k` times `k x p`; with p = 12 (ResNet-18's last stage) OpenBLAS
/// works on panels far narrower than its kernels are made for and reaches a fraction of its peak.
/// Laying the patch matrices of G images side by side (`k x G p`, rows `G p` apart) makes one product
/// wide enough, at the cost of copying the `o x G p` result back to each image's `o x p` block
/// (k times less data than the product reads). Every output element is still one dot product over
/// the same k terms in the same order. Images with many positions keep the one-product-per-image
/// path (`ConvGrouping.imagesPerProduct` returns nil), so invlab's own CNNs at face resolution run
/// as before.
enum ConvGrouping {
    /// Images with fewer output positions than this are grouped.
    static let narrowPositions = 256
    /// The product width a group aims at (G p at least this, within the images of a chunk).
    static let targetWidth = 512

    /// Images per product for `g`, or nil when each image's product is wide enough alone.
    static func imagesPerProduct(_ g: ConvGeometry) -> Int? {
        guard g.positions < narrowPositions, g.n > 1 else { return nil }
        return min(g.n, (targetWidth + g.positions - 1) / g.positions)
    }
}

extension Tensor {
    /// `conv2d` with `group` images per matrix product (see `ConvGrouping`).
    static func conv2dGrouped(_ input: Tensor, weight: Tensor, bias: Tensor?, _ g: ConvGeometry, group: Int) -> Tensor {
        let (k, p, imageSize) = (g.patchRows, g.positions, g.c * g.h * g.w)
        return Tensor(shape: [g.n, g.o, g.ho, g.wo], unsafeUninitialized: { out in
            input.withUnsafeBufferPointer { x in
                weight.withUnsafeBufferPointer { wt in
                    Parallel.forEachChunk(of: g.n) { images in
                        let col = UnsafeMutablePointer<Float>.allocate(capacity: k * group * p)
                        let product = UnsafeMutablePointer<Float>.allocate(capacity: g.o * group * p)
                        defer { col.deallocate(); product.deallocate() }
                        var first = images.lowerBound
                        while first < images.upperBound {
                            let count = min(group, images.upperBound - first), width = count * p
                            for j in 0..<count {
                                Unfold.im2col(x.baseAddress! + (first + j) * imageSize, g, col + j * p, rowStride: width)
                            }
                            BLAS.gemm(transposeA: false, transposeB: false, m: g.o, n: width, k: k,
                                      a: wt.baseAddress!, lda: k, b: col, ldb: width, c: product, ldc: width)
                            for j in 0..<count {
                                let dst = out.baseAddress! + (first + j) * g.o * p
                                for ch in 0..<g.o { (dst + ch * p).update(from: product + ch * width + j * p, count: p) }
                                if let bias {
                                    bias.withUnsafeBufferPointer { b in
                                        for ch in 0..<g.o {
                                            let row = dst + ch * p, value = b[ch]
                                            for i in 0..<p { row[i] += value }
                                        }
                                    }
                                }
                            }
                            first += count
                        }
                    }
                }
            }
        })
    }

    /// `conv2dBackwardInput` with `group` images per matrix product (see `ConvGrouping`).
    static func conv2dBackwardInputGrouped(_ gradOutput: Tensor, weight: Tensor, _ g: ConvGeometry, group: Int) -> Tensor {
        let (k, p, imageSize) = (g.patchRows, g.positions, g.c * g.h * g.w)
        return Tensor(shape: [g.n, g.c, g.h, g.w], unsafeUninitialized: { out in
            gradOutput.withUnsafeBufferPointer { dy in
                weight.withUnsafeBufferPointer { wt in
                    Parallel.forEachChunk(of: g.n) { images in
                        let gathered = UnsafeMutablePointer<Float>.allocate(capacity: g.o * group * p)
                        let col = UnsafeMutablePointer<Float>.allocate(capacity: k * group * p)
                        defer { gathered.deallocate(); col.deallocate() }
                        var first = images.lowerBound
                        while first < images.upperBound {
                            let count = min(group, images.upperBound - first), width = count * p
                            for j in 0..<count {
                                let src = dy.baseAddress! + (first + j) * g.o * p
                                for ch in 0..<g.o { (gathered + ch * width + j * p).update(from: src + ch * p, count: p) }
                            }
                            BLAS.gemm(transposeA: true, transposeB: false, m: k, n: width, k: g.o,
                                      a: wt.baseAddress!, lda: k, b: gathered, ldb: width, c: col, ldc: width)
                            for j in 0..<count {
                                let dst = out.baseAddress! + (first + j) * imageSize
                                dst.update(repeating: 0, count: imageSize)
                                Unfold.col2im(col + j * p, g, dst, rowStride: width)
                            }
                            first += count
                        }
                    }
                }
            }
        })
    }
}
