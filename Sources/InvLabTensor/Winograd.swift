// 3x3 stride-1 convolutions by Winograd's minimal filtering F(2x2, 3x3).
//
// Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks" (CVPR 2016), eq. (8):
// each 2x2 output tile is Y = A^T [ (G g G^T) ⊙ (B^T d B) ] A, from the 4x4 input tile d and the
// 3x3 kernel g. Summed over input channels, the element-wise products of the 16 transformed
// positions become 16 matrix products (outputs x inputs times inputs x tiles): 16 multiplications
// per tile and channel pair instead of the 36 of a direct or im2col convolution, 2.25 times fewer.
// The transforms only add and halve, so the results differ from im2col's by rounding alone (a few
// units in the last place of the sums; tests bound it).
//
// The input gradient of a 3x3 stride-1 convolution with padding p is itself one: the output
// gradient convolved with the flipped, transposed kernel at padding 2 - p (negative padding crops),
// so `WinogradWeights(inputGradientOf:)` and the same kernel serve the backward pass, with no col2im.
//
// Images are split over `Parallel.threads`; each thread transforms a block of its images (about
// `targetTiles` tiles, so that the transformed block stays in cache and the products stay wide),
// runs the 16 single-threaded products and transforms them back.

/// A 3x3 kernel `o x c x 3 x 3` transformed for `Tensor.conv2dWinograd`: `16 x o x c`, the
/// transformed taps of every (output, input) pair, one `o x c` matrix per tap.
public struct WinogradWeights: Sendable {
    /// `16 x outputs x inputs`.
    public let values: Tensor
    public var outputs: Int { values.shape[1] }
    public var inputs: Int { values.shape[2] }

    /// The transform G g G^T of each 3x3 kernel of `weight` (`o x c x 3 x 3`).
    public init(_ weight: Tensor) {
        precondition(weight.rank == 4 && weight.shape[2] == 3 && weight.shape[3] == 3,
                     "Winograd F(2x2, 3x3) needs an o x c x 3 x 3 kernel, got \(weight.shape)")
        self.init(weight, transposed: false)
    }

    /// The kernel of the input gradient: each 3x3 kernel of `weight` (`o x c x 3 x 3`) rotated by
    /// 180 degrees, with inputs and outputs exchanged (`16 x c x o`).
    public init(inputGradientOf weight: Tensor) {
        precondition(weight.rank == 4 && weight.shape[2] == 3 && weight.shape[3] == 3,
                     "Winograd F(2x2, 3x3) needs an o x c x 3 x 3 kernel, got \(weight.shape)")
        self.init(weight, transposed: true)
    }

    private init(_ weight: Tensor, transposed: Bool) {
        let (o, c) = (weight.shape[0], weight.shape[1])
        let (rows, columns) = transposed ? (c, o) : (o, c)
        values = Tensor(shape: [16, rows, columns], unsafeUninitialized: { out in
            weight.withUnsafeBufferPointer { w in
                for oc in 0..<o {
                    for ic in 0..<c {
                        let g = w.baseAddress! + (oc * c + ic) * 9
                        @inline(__always) func tap(_ i: Int) -> Float { transposed ? g[8 - i] : g[i] }
                        // The rows of G k (4 x 3), then of (G k) G^T (4 x 4).
                        let k0 = SIMD3(tap(0), tap(1), tap(2)), k1 = SIMD3(tap(3), tap(4), tap(5)), k2 = SIMD3(tap(6), tap(7), tap(8))
                        let at = transposed ? ic * columns + oc : oc * columns + ic
                        @inline(__always) func store(_ r: SIMD3<Float>, _ row: Int) {
                            let plane = out.baseAddress! + row * 4 * rows * columns + at
                            plane[0] = r[0]
                            plane[rows * columns] = (r[0] + r[1] + r[2]) * 0.5
                            plane[2 * rows * columns] = (r[0] - r[1] + r[2]) * 0.5
                            plane[3 * rows * columns] = r[2]
                        }
                        store(k0, 0)
                        store((k0 + k1 + k2) * 0.5, 1)
                        store((k0 - k1 + k2) * 0.5, 2)
                        store(k2, 3)
                    }
                }
            }
        })
    }
}

/// A 3x3 kernel transformed for both passes: `forward` for the convolution, `inputGradient`
/// for its input gradient. A caller that convolves with the same frozen kernel many times (an
/// attack on a trained model) makes it once and passes it to `Var.conv2dWinograd`.
public struct WinogradKernel: Sendable {
    public let forward: WinogradWeights
    public let inputGradient: WinogradWeights

    /// Both transforms of `weight` (`o x c x 3 x 3`).
    public init(_ weight: Tensor) {
        forward = WinogradWeights(weight)
        inputGradient = WinogradWeights(inputGradientOf: weight)
    }
}

enum Winograd {
    /// Tiles a thread transforms and multiplies at a time.
    static let targetTiles = 512
}

/// The tiling of one plane: `h x w` input at `padding` (negative: a crop), `ho x wo` output in
/// `tilesH x tilesW` tiles of 2x2, read from a zero-padded copy of the plane that every tile lies
/// in (`paddedH x paddedW`), so that the transforms need no bounds checks.
///
/// The transforms run 8 tiles of a row at a time (`SIMD8`). A row's last vector may reach past
/// its tiles: it reads only allocated slack or later rows, and what it writes past a row lands
/// in a later row, block or slack that is written afterwards (`slack` floats at the end of every
/// buffer and of every tap's block of `V` and `M`; planes are transformed in storage order).
struct WinogradTiling {
    let h, w, padding, ho, wo, tilesH, tilesW: Int
    /// Floats of slack after each buffer that vectors may run into.
    static let slack = 32
    var tiles: Int { tilesH * tilesW }
    var paddedH: Int { 2 * tilesH + 2 }
    var paddedW: Int { 2 * tilesW + 2 }

    init(h: Int, w: Int, padding: Int) {
        (self.h, self.w, self.padding) = (h, w, padding)
        (ho, wo) = (h + 2 * padding - 2, w + 2 * padding - 2)
        (tilesH, tilesW) = ((ho + 1) / 2, (wo + 1) / 2)
    }

    /// Per-thread scratch: the padded plane (zero outside the copied region, which is the same
    /// for every plane), the row-transformed plane (4 blocks of `rowBlock`), and the even and odd
    /// output columns before cropping.
    final class Scratch {
        let padded, rows, sums, even, odd: UnsafeMutablePointer<Float>
        let rowBlock: Int

        init(_ t: WinogradTiling) {
            let paddedCount = t.paddedH * t.paddedW + WinogradTiling.slack
            padded = .allocate(capacity: paddedCount)
            padded.initialize(repeating: 0, count: paddedCount)
            rowBlock = t.paddedH * t.tilesW + WinogradTiling.slack
            rows = .allocate(capacity: 4 * rowBlock)
            sums = .allocate(capacity: 8 * (t.tilesW + WinogradTiling.slack))
            even = .allocate(capacity: 2 * t.tiles + WinogradTiling.slack)
            odd = .allocate(capacity: 2 * t.tiles + WinogradTiling.slack)
        }

        deinit { [padded, rows, sums, even, odd].forEach { $0.deallocate() } }
    }

    @inline(__always) static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always) static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// B^T d B for every tile of `plane`: tap e of tile t goes to `out[e * tapStride + t]`.
    /// Separable: first each padded row's column combinations (d0 - d2, d1 + d2, d2 - d1, d1 - d3
    /// of its four columns), then the same combinations of four rows.
    func transformInput(_ plane: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, tapStride: Int, _ s: Scratch) {
        let (padded, rows, pw, tw, block) = (s.padded, s.rows, paddedW, tilesW, s.rowBlock)
        let (rowLow, rowHigh) = (max(0, padding), min(paddedH, h + padding))
        let (columnLow, columnHigh) = (max(0, padding), min(pw, w + padding))
        if columnLow < columnHigh {
            for r in rowLow..<rowHigh {
                let (target, source) = (r &* pw &+ columnLow, (r &- padding) &* w &+ (columnLow &- padding))
                (padded + target).update(from: plane + source, count: columnHigh &- columnLow)
            }
        }
        for r in 0..<paddedH {
            let row = UnsafeRawPointer(padded + r &* pw), h0 = rows + r &* tw
            var tx = 0
            while tx < tw {
                let left = row.loadUnaligned(fromByteOffset: 8 &* tx, as: SIMD16<Float>.self)
                let right = row.loadUnaligned(fromByteOffset: 8 &* tx &+ 8, as: SIMD16<Float>.self)
                let (a, b, c, d) = (left.evenHalf, left.oddHalf, right.evenHalf, right.oddHalf)
                Self.store8(a - c, h0 + tx)
                Self.store8(b + c, h0 + (block &+ tx))
                Self.store8(c - b, h0 + (2 &* block &+ tx))
                Self.store8(b - d, h0 + (3 &* block &+ tx))
                tx &+= 8
            }
        }
        for ty in 0..<tilesH {
            for k in 0..<4 {
                let a = UnsafePointer(rows + (k &* block &+ 2 &* ty &* tw))
                let target = out + ty &* tw
                var tx = 0
                while tx < tw {
                    let (va, vb) = (Self.load8(a + tx), Self.load8(a + (tw &+ tx)))
                    let (vc, vd) = (Self.load8(a + (2 &* tw &+ tx)), Self.load8(a + (3 &* tw &+ tx)))
                    Self.store8(va - vc, target + (k &* tapStride &+ tx))
                    Self.store8(vb + vc, target + ((4 &+ k) &* tapStride &+ tx))
                    Self.store8(vc - vb, target + ((8 &+ k) &* tapStride &+ tx))
                    Self.store8(vb - vd, target + ((12 &+ k) &* tapStride &+ tx))
                    tx &+= 8
                }
            }
        }
    }

    /// A^T M A for every tile (tap e of tile t at `product[e * tapStride + t]`), cropped to the
    /// `ho x wo` plane `out`, plus `bias`. Separable like `transformInput`: m0 + m1 + m2 and
    /// m1 - m2 - m3 of the rows, then of the columns.
    func transformOutput(_ product: UnsafePointer<Float>, tapStride: Int, _ out: UnsafeMutablePointer<Float>, bias: Float,
                         _ s: Scratch) {
        let (sums, even, odd, tw) = (s.sums, s.even, s.odd, tilesW)
        let sumStride = tw &+ WinogradTiling.slack
        for ty in 0..<tilesH {
            let source = product + ty &* tw
            for k in 0..<4 {
                var tx = 0
                while tx < tw {
                    let (m0, m1) = (Self.load8(source + (k &* tapStride &+ tx)), Self.load8(source + ((4 &+ k) &* tapStride &+ tx)))
                    let (m2, m3) = (Self.load8(source + ((8 &+ k) &* tapStride &+ tx)), Self.load8(source + ((12 &+ k) &* tapStride &+ tx)))
                    Self.store8(m0 + m1 + m2, sums + (k &* sumStride &+ tx))
                    Self.store8(m1 - m2 - m3, sums + ((4 &+ k) &* sumStride &+ tx))
                    tx &+= 8
                }
            }
            for half in 0..<2 {
                let a = UnsafePointer(sums + 4 &* half &* sumStride)
                let row = (2 &* ty &+ half) &* tw
                var tx = 0
                while tx < tw {
                    let (va, vb) = (Self.load8(a + tx), Self.load8(a + (sumStride &+ tx)))
                    let (vc, vd) = (Self.load8(a + (2 &* sumStride &+ tx)), Self.load8(a + (3 &* sumStride &+ tx)))
                    Self.store8(va + vb + vc, even + (row &+ tx))
                    Self.store8(vb - vc - vd, odd + (row &+ tx))
                    tx &+= 8
                }
            }
        }
        for y in 0..<ho {
            let (target, row) = (out + y &* wo, y &* tw)
            let (evenRow, oddRow) = (even + row, odd + row)
            for pair in 0..<(wo >> 1) {
                target[2 &* pair] = evenRow[pair] + bias
                target[2 &* pair &+ 1] = oddRow[pair] + bias
            }
            if wo & 1 == 1 { target[wo &- 1] = evenRow[wo >> 1] + bias }
        }
    }
}

extension Tensor {
    /// `conv2d(input, weight, bias, stride: 1, padding:)` for a 3x3 kernel given as `transformed`,
    /// by F(2x2, 3x3). `padding` may be negative (a crop): the output is `h + 2 padding - 2` by
    /// `w + 2 padding - 2`.
    public static func conv2dWinograd(_ input: Tensor, _ transformed: WinogradWeights, bias: Tensor?,
                                      padding: Int) -> Tensor {
        precondition(input.rank == 4 && input.shape[1] == transformed.inputs,
                     "conv2dWinograd needs an N x \(transformed.inputs) x H x W input, got \(input.shape)")
        let (n, c, h, w, o) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3], transformed.outputs)
        let tiling = WinogradTiling(h: h, w: w, padding: padding)
        let (ho, wo, tilesPerImage) = (tiling.ho, tiling.wo, tiling.tiles)
        precondition(ho >= 1 && wo >= 1, "conv2dWinograd: a 3x3 kernel does not fit \(h)x\(w) at padding \(padding)")
        if let bias { precondition(bias.shape == [o], "conv2dWinograd bias must have shape [\(o)], got \(bias.shape)") }
        let imagesPerBlock = max(1, Winograd.targetTiles / tilesPerImage)
        let biasValues = bias?.scalars
        return Tensor(shape: [n, o, ho, wo], unsafeUninitialized: { out in
            input.withUnsafeBufferPointer { x in
                transformed.values.withUnsafeBufferPointer { u in
                    Parallel.forEachChunk(of: n) { images in
                        let blockTiles = min(imagesPerBlock, images.count) * tilesPerImage
                        let slack = WinogradTiling.slack
                        let v = UnsafeMutablePointer<Float>.allocate(capacity: 16 * (c * blockTiles + slack))
                        let m = UnsafeMutablePointer<Float>.allocate(capacity: 16 * (o * blockTiles + slack))
                        let scratch = WinogradTiling.Scratch(tiling)
                        defer { v.deallocate(); m.deallocate() }
                        var first = images.lowerBound
                        while first < images.upperBound {
                            let count = min(imagesPerBlock, images.upperBound - first), tiles = count * tilesPerImage
                            // V[e][channel][tile], then M[e] = U[e] V[e], then the output tiles. Planes in
                            // storage order (channel, then image), as the vectors' overrun needs.
                            let (inputTaps, outputTaps) = (c * tiles + slack, o * tiles + slack)
                            for ch in 0..<c {
                                for j in 0..<count {
                                    tiling.transformInput(x.baseAddress! + ((first + j) * c + ch) * h * w,
                                                          v + ch * tiles + j * tilesPerImage, tapStride: inputTaps, scratch)
                                }
                            }
                            for e in 0..<16 {
                                BLAS.gemm(transposeA: false, transposeB: false, m: o, n: tiles, k: c,
                                          a: u.baseAddress! + e * o * c, lda: c, b: v + e * inputTaps, ldb: tiles,
                                          c: m + e * outputTaps, ldc: tiles)
                            }
                            for j in 0..<count {
                                for oc in 0..<o {
                                    tiling.transformOutput(m + oc * tiles + j * tilesPerImage, tapStride: outputTaps,
                                                           out.baseAddress! + ((first + j) * o + oc) * ho * wo,
                                                           bias: biasValues?[oc] ?? 0, scratch)
                                }
                            }
                            first += count
                        }
                    }
                }
            }
        })
    }

    /// The input gradient of a 3x3 stride-1 convolution at `padding`, by F(2x2, 3x3):
    /// `gradient` is the output gradient, `transformed` is `WinogradWeights(inputGradientOf:)`
    /// of the kernel.
    public static func conv2dBackwardInputWinograd(_ gradient: Tensor, _ transformed: WinogradWeights,
                                                   padding: Int) -> Tensor {
        conv2dWinograd(gradient, transformed, bias: nil, padding: 2 - padding)
    }
}
