import Foundation
import InvLabCBLAS

/// Matrix products through OpenBLAS (Debian's `libopenblas-dev`), plus the kernel check.
///
/// OpenBLAS is kept single-threaded: measured on the project's 2-core machines, its own threads
/// give no reliable gain on the small and medium products that convolutions produce, while
/// two engine threads each running a single-threaded product use both cores. Large products are
/// split by `parallelGEMM` across `Parallel.threads`.
public enum BLAS {
    /// Runs once, before the first product: makes OpenBLAS single-threaded and tunes the
    /// allocator (see `MemoryTuning`).
    private static let configured: Bool = {
        openblas_set_num_threads(1)
        MemoryTuning.apply()
        return true
    }()

    /// Name of the kernel OpenBLAS selected for this CPU at load time (e.g. `SkylakeX`, `Haswell`).
    public static var kernelName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// The OpenBLAS build description (version and options).
    public static var configuration: String {
        guard let config = openblas_get_config() else { return "unknown" }
        return String(cString: config)
    }

    /// Row-major single-precision GEMM on raw buffers, single-threaded:
    /// `C[m x n] = alpha * op(A)[m x k] * op(B)[k x n] + beta * C`.
    @inline(__always)
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                            alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                            b: UnsafePointer<Float>, ldb: Int,
                            beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = configured
        guard m > 0, n > 0 else { return }
        if k == 0 {  // BLAS leaves C untouched only when beta == 1; make k == 0 well-defined
            for row in 0..<m { for col in 0..<n { c[row * ldc + col] *= beta } }
            return
        }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }

    /// A one-row product, `c[1 x n] = alpha * a[1 x k] * op(B)[k x n] + beta * c`, as a
    /// matrix-vector product (`a` is read with stride `incA`), split over `Parallel.threads` along
    /// `n` when each thread gets at least `minimumGEMVFlopsPerThread`.
    ///
    /// Why: OpenBLAS 0.3.21 runs a one-row `sgemm` through its blocked GEMM, which packs the whole
    /// of B first; measured here on the MLP attack's shapes (1 x 10304 times 10304 x 256) that is
    /// 0.77 ms against 0.15-0.21 ms for `sgemv`. A single-image attack step is two such products.
    public static func parallelRowTimesMatrix(transposeB: Bool, n: Int, k: Int, alpha: Float = 1,
                                              a: UnsafePointer<Float>, incA: Int,
                                              b: UnsafePointer<Float>, ldb: Int,
                                              beta: Float = 0, c: UnsafeMutablePointer<Float>) {
        _ = configured
        guard n > 0 else { return }
        // With beta = 0 the output may be uninitialised memory; whether gemv's beta scaling
        // clears NaN garbage depends on the OpenBLAS version, so clear it here.
        if beta == 0 { c.update(repeating: 0, count: n) }
        // Row-major: with B of shape n x k (transposed) c = B a; with B of shape k x n, c = Bᵀ a.
        func product(_ columns: Range<Int>) {
            if transposeB {
                cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(columns.count), Int32(k), alpha,
                            b + columns.lowerBound * ldb, Int32(ldb), a, Int32(incA),
                            beta, c + columns.lowerBound, 1)
            } else {
                cblas_sgemv(CblasRowMajor, CblasTrans, Int32(k), Int32(columns.count), alpha,
                            b + columns.lowerBound, Int32(ldb), a, Int32(incA),
                            beta, c + columns.lowerBound, 1)
            }
        }
        // At least 16 columns and minimumGEMVFlopsPerThread of work per thread.
        Parallel.forEachChunk(of: n, minimumChunk: max(16, minimumGEMVFlopsPerThread / (2 * k)), product)
    }

    /// Work per thread below which a matrix-vector product stays on one thread. Measured here
    /// (release, through `Tensor.matmul`, dispatch included): 1 x 10304 times 10304 x 40 takes
    /// 23 us on one thread and 38 us split in two; 10304 x 256, 166 vs 140 us; 41216 x 256,
    /// 1.68 vs 1.20 ms.
    public static let minimumGEMVFlopsPerThread = 2_000_000

    /// The same product, split over `Parallel.threads` along the larger of m and n when the
    /// work is large enough to pay for the hand-off (about 2 MFLOP per thread). One-row products
    /// go to `parallelRowTimesMatrix`.
    public static func parallelGEMM(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                                    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                                    b: UnsafePointer<Float>, ldb: Int,
                                    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 1, k > 0 {
            parallelRowTimesMatrix(transposeB: transposeB, n: n, k: k, alpha: alpha,
                                   a: a, incA: transposeA ? lda : 1, b: b, ldb: ldb, beta: beta, c: c)
            return
        }
        let flops = 2 * m * n * k
        let threads = min(Parallel.threads, flops / 2_000_000)
        if threads < 2 {
            gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                 a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        if n >= m {
            // Split the columns of C (and of op(B)).
            let chunks = min(threads, max(1, n / 16))
            Parallel.perform(iterations: chunks) { chunk in
                let cols = Parallel.chunkRange(chunk, of: chunks, count: n)
                let bOffset = transposeB ? cols.lowerBound * ldb : cols.lowerBound
                gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: cols.count, k: k,
                     alpha: alpha, a: a, lda: lda, b: b + bOffset, ldb: ldb, beta: beta,
                     c: c + cols.lowerBound, ldc: ldc)
            }
        } else {
            // Split the rows of C (and of op(A)).
            let chunks = min(threads, max(1, m / 4))
            Parallel.perform(iterations: chunks) { chunk in
                let rows = Parallel.chunkRange(chunk, of: chunks, count: m)
                let aOffset = transposeA ? rows.lowerBound : rows.lowerBound * lda
                gemm(transposeA: transposeA, transposeB: transposeB, m: rows.count, n: n, k: k,
                     alpha: alpha, a: a + aOffset, lda: lda, b: b, ldb: ldb, beta: beta,
                     c: c + rows.lowerBound * ldc, ldc: ldc)
            }
        }
    }
}
