extension Tensor {
    /// Matrix product of rank-2 tensors, `op(a) x op(b)`, through BLAS (split across threads
    /// when large).
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false,
                              transposeB: Bool = false) -> Tensor {
        precondition(a.rank == 2 && b.rank == 2, "matmul needs matrices, got \(a.shape) and \(b.shape)")
        let m = transposeA ? a.shape[1] : a.shape[0]
        let k = transposeA ? a.shape[0] : a.shape[1]
        let kb = transposeB ? b.shape[1] : b.shape[0]
        let n = transposeB ? b.shape[0] : b.shape[1]
        precondition(k == kb, "matmul inner dimensions differ: \(a.shape)\(transposeA ? "ᵀ" : "") x \(b.shape)\(transposeB ? "ᵀ" : "")")
        if k == 0 { return Tensor(zeros: [m, n]) }
        if transposeB && !transposeA && m > 1 && m < 64 && n >= 4 * m {
            // A few rows times a large transposed matrix (a layer's forward pass on a small
            // batch): OpenBLAS is about 25 % faster computing the transpose, B A^T, measured on
            // the W1 shapes (40 x 4096 times 4096 x 512).
            return matmul(b, a, transposeA: false, transposeB: true).transposed()
        }
        // beta = 0: BLAS writes every element of C without reading it, so C starts uninitialised.
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                Tensor(shape: [m, n], unsafeUninitialized: { pc in
                    BLAS.parallelGEMM(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                      a: pa.baseAddress!, lda: a.shape[1], b: pb.baseAddress!, ldb: b.shape[1],
                                      c: pc.baseAddress!, ldc: n)
                })
            }
        }
    }
}
