// Differentiable matrix products.

extension Var {
    /// `op(a) x op(b)` for matrices.
    public static func matmul(_ a: Var, _ b: Var, transposeA: Bool = false, transposeB: Bool = false) -> Var {
        let (va, vb) = (a.value, b.value)
        let y = Tensor.matmul(va, vb, transposeA: transposeA, transposeB: transposeB)
        return record(y, inputs: [a, b]) { g in
            // C = A B: dA = G Bᵀ, dB = Aᵀ G (with the transposes folded in).
            let da: Tensor? = a.isTracked
                ? (transposeA ? Tensor.matmul(vb, g, transposeA: transposeB, transposeB: true)
                              : Tensor.matmul(g, vb, transposeA: false, transposeB: !transposeB))
                : nil
            let db: Tensor? = b.isTracked
                ? (transposeB ? Tensor.matmul(g, va, transposeA: true, transposeB: transposeA)
                              : Tensor.matmul(va, g, transposeA: !transposeA, transposeB: false))
                : nil
            return [da, db]
        }
    }

    /// A stack of matrix products: `a` of shape `B x m x k` times `b` of shape `B x k x n` gives
    /// `B x m x n`, product i of matrices i (NumPy's and PyTorch's batched matmul with equal batch
    /// counts; callers broadcast the batch axes first). Gradients: dA_i = G_i B_iᵀ, dB_i = A_iᵀ G_i.
    public static func batchedMatmul(_ a: Var, _ b: Var) -> Var {
        let (va, vb) = (a.value, b.value)
        precondition(va.rank == 3 && vb.rank == 3 && va.shape[0] == vb.shape[0] && va.shape[2] == vb.shape[1],
                     "batchedMatmul needs B x m x k and B x k x n, got \(va.shape) and \(vb.shape)")
        let (batch, m, k, n) = (va.shape[0], va.shape[1], va.shape[2], vb.shape[2])
        let y = Tensor.batchedProduct(va, vb, count: batch, m: m, n: n, k: k, transposeA: false, transposeB: false)
        return record(y, inputs: [a, b]) { g in
            let da = a.isTracked ? Tensor.batchedProduct(g, vb, count: batch, m: m, n: k, k: n, transposeA: false, transposeB: true) : nil
            let db = b.isTracked ? Tensor.batchedProduct(va, g, count: batch, m: k, n: n, k: m, transposeA: true, transposeB: false) : nil
            return [da, db]
        }
    }

    /// A fully connected layer in PyTorch's convention: `x W^T + b` with `W` of shape `out x in`.
    public static func linear(_ x: Var, weight: Var, bias: Var?) -> Var {
        let y = matmul(x, weight, transposeB: true)
        guard let bias else { return y }
        return y + bias
    }
}

extension Tensor {
    /// `count` products op(a_i) op(b_i) of `m x n` results with inner size `k`, each through BLAS;
    /// `a` and `b` hold their matrices one after the other, row-major as stored (untransposed).
    static func batchedProduct(_ a: Tensor, _ b: Tensor, count: Int, m: Int, n: Int, k: Int,
                               transposeA: Bool, transposeB: Bool) -> Tensor {
        if k == 0 { return Tensor(zeros: [count, m, n]) }
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                Tensor(shape: [count, m, n], unsafeUninitialized: { pc in
                    for i in 0..<count {
                        BLAS.parallelGEMM(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                          a: pa.baseAddress! + i * m * k, lda: transposeA ? m : k,
                                          b: pb.baseAddress! + i * k * n, ldb: transposeB ? k : n,
                                          c: pc.baseAddress! + i * m * n, ldc: n)
                    }
                })
            }
        }
    }
}
