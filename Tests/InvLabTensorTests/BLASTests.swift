import InvLabTensor
import Testing

@Suite("BLAS")
struct BLASTests {
    /// Naive triple loop in Double, the reference for every kernel OpenBLAS may select.
    func naive(_ a: Tensor, _ b: Tensor, _ ta: Bool, _ tb: Bool) -> [Double] {
        let m = ta ? a.shape[1] : a.shape[0], k = ta ? a.shape[0] : a.shape[1]
        let n = tb ? b.shape[0] : b.shape[1]
        let (sa, sb) = (a.scalars, b.scalars)
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var total: Double = 0
            for p in 0..<k {
                let av = ta ? sa[p * m + i] : sa[i * k + p], bv = tb ? sb[j * k + p] : sb[p * n + j]
                total += Double(av) * Double(bv)
            }
            c[i * n + j] = total
        } }
        return c
    }

    @Test("GEMM matches a naive product whatever kernel runs", arguments: [
        (3, 4, 5), (1, 1, 1), (37, 129, 65), (200, 300, 150), (8, 513, 260),
    ])
    func gemm(m: Int, k: Int, n: Int) {
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = randomTensor(ta ? [k, m] : [m, k], seed: UInt64(m * 7 + k))
            let b = randomTensor(tb ? [n, k] : [k, n], seed: UInt64(n * 11 + k))
            let c = Tensor.matmul(a, b, transposeA: ta, transposeB: tb)
            let reference = naive(a, b, ta, tb)
            let worst = zip(c.scalars, reference).map { abs(Double($0) - $1) }.max() ?? 0
            #expect(worst < 1e-4 * Double(k), "kernel \(BLAS.kernelName), \(m)x\(k)x\(n) ta=\(ta) tb=\(tb): error \(worst)")
        }
    }

    @Test("one-row products take the GEMV path and match, split or not", arguments: [
        (1, 7), (300, 257), (10304, 40), (5000, 64),
    ])
    func oneRow(k: Int, n: Int) {
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = randomTensor(ta ? [k, 1] : [1, k], seed: UInt64(k))
            let b = randomTensor(tb ? [n, k] : [k, n], seed: UInt64(n * 3 + k))
            let reference = naive(a, b, ta, tb)
            let c = Tensor.matmul(a, b, transposeA: ta, transposeB: tb)
            #expect(c.shape == [1, n])
            let worst = zip(c.scalars, reference).map { abs(Double($0) - $1) }.max() ?? 0
            #expect(worst < 1e-4 * Double(k), "1x\(k)x\(n) ta=\(ta) tb=\(tb): error \(worst)")
            // alpha and beta are honoured: c = 2 a op(B) - 0.5 c0.
            let start = randomTensor([1, n], seed: 9)
            var scaled = start
            a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in scaled.withUnsafeMutableBufferPointer { pc in
                BLAS.parallelGEMM(transposeA: ta, transposeB: tb, m: 1, n: n, k: k, alpha: 2, a: pa.baseAddress!,
                                  lda: ta ? 1 : k, b: pb.baseAddress!, ldb: b.shape[1], beta: -0.5, c: pc.baseAddress!, ldc: n)
            } } }
            let worstScaled = (0..<n).map { abs(Double(scaled.scalars[$0]) - (2 * reference[$0] - 0.5 * Double(start.scalars[$0]))) }.max() ?? 0
            #expect(worstScaled < 2e-4 * Double(k), "alpha/beta 1x\(k)x\(n) ta=\(ta) tb=\(tb): error \(worstScaled)")
        }
    }

    @Test func kernelIsReported() {
        #expect(!BLAS.kernelName.isEmpty)
        #expect(BLASKernel.status.contains(BLAS.kernelName))
        #expect(BLASKernel.recommendedCoreType(flags: ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx2", "fma"]) == "SkylakeX")
        #expect(BLASKernel.recommendedCoreType(flags: ["avx2", "fma"]) == "Haswell")
        #expect(BLASKernel.isSlow(kernel: "Prescott", flags: ["avx2", "fma"]))
        #expect(!BLASKernel.isSlow(kernel: "Haswell", flags: ["avx2", "fma"]))
        #expect(!BLASKernel.isSlow(kernel: "Prescott", flags: ["sse3"]))
    }
}

@Suite("LAPACK")
struct EigenTests {
    @Test("symmetric eigendecomposition reconstructs the matrix")
    func eigen() throws {
        let b = randomTensor([5, 5], seed: 3)
        let a = Tensor.matmul(b, b, transposeA: true)  // symmetric positive semi-definite
        let (values, vectors) = try #require(a.symmetricEigen())
        #expect(values == values.sorted())
        // A v_i = lambda_i v_i for every row v_i.
        for i in 0..<5 {
            let v = vectors.slice(alongAxis: 0, i..<(i + 1))
            let av = Tensor.matmul(v, a)
            for k in 0..<5 { #expect(abs(av.scalars[k] - values[i] * v.scalars[k]) < 1e-4) }
        }
        let diagonal = Tensor(shape: [2, 2], scalars: [2, 0, 0, 1])
        #expect(diagonal.symmetricEigen()?.values == [1, 2])
    }
}
