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
        if rowStable && !transposeA && k > 0 {
            rowStableGEMM(transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
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

    /// Row-stable products: when set, every product whose rows are samples (`op(A)` not
    /// transposed) gives each row of C the same bits whatever the other rows are and however
    /// many there are. The runner sets it while an attack runs, so that an identity's
    /// reconstruction does not depend on which identities are attacked with it (identity
    /// chunks of a sharded run merge byte-identically into the one-process result).
    ///
    /// Why it is needed: OpenBLAS 0.3.21 (SkylakeX/Cooperlake kernels) computes an `sgemm` with
    /// m·n·k ≤ 100³ with its small-matrix kernels, and one row with `sgemv`, whose roundings
    /// differ from the blocked kernel's; measured here, rows of a 16 x 384 times 384 x 128
    /// product differ in the last bits from the same rows computed in a 64-row product. The
    /// blocked kernel gives identical rows for every m and row offset (checked for both
    /// transposes). So in this mode rows are split only across threads, and a block too small
    /// for the blocked kernel is padded with zero rows past the threshold: at most about 10⁶
    /// multiply-adds of padding per call.
    ///
    /// A task-local value (`BLAS.$rowStable.withValue(true) { ... }`), so that concurrent runs in
    /// one process (tests, a library user's threads) do not see each other's setting; it is read
    /// on the thread that asks for the product, before the product is split across threads.
    @TaskLocal public static var rowStable = false

    /// m·n·k at or below which OpenBLAS may choose its small-matrix kernels.
    static let smallKernelLimit = 1_000_000

    static func rowStableGEMM(transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                              b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        let threads = max(1, min(Parallel.threads, (2 * m * n * k) / 2_000_000, m))
        func block(_ rows: Range<Int>) {
            let minimumRows = smallKernelLimit / (n * k) + 1
            let aRows = a + rows.lowerBound * lda
            let cRows = c + rows.lowerBound * ldc
            if rows.count >= minimumRows {
                gemm(transposeA: false, transposeB: transposeB, m: rows.count, n: n, k: k, alpha: alpha, a: aRows, lda: lda,
                     b: b, ldb: ldb, beta: beta, c: cRows, ldc: ldc)
                return
            }
            let paddedA = UnsafeMutablePointer<Float>.allocate(capacity: minimumRows * k)
            let paddedC = UnsafeMutablePointer<Float>.allocate(capacity: minimumRows * n)
            defer { paddedA.deallocate(); paddedC.deallocate() }
            paddedA.initialize(repeating: 0, count: minimumRows * k)
            paddedC.initialize(repeating: 0, count: minimumRows * n)
            for row in 0..<rows.count {
                (paddedA + row * k).update(from: aRows + row * lda, count: k)
                if beta != 0 { (paddedC + row * n).update(from: cRows + row * ldc, count: n) }
            }
            gemm(transposeA: false, transposeB: transposeB, m: minimumRows, n: n, k: k, alpha: alpha, a: paddedA, lda: k,
                 b: b, ldb: ldb, beta: beta, c: paddedC, ldc: n)
            for row in 0..<rows.count { (cRows + row * ldc).update(from: paddedC + row * n, count: n) }
        }
        if threads < 2 {
            block(0..<m)
        } else {
            Parallel.perform(iterations: threads) { chunk in block(Parallel.chunkRange(chunk, of: threads, count: m)) }
        }
    }
}
