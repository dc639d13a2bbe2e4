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

    /// A fully connected layer in PyTorch's convention: `x W^T + b` with `W` of shape `out x in`.
    public static func linear(_ x: Var, weight: Var, bias: Var?) -> Var {
        let y = matmul(x, weight, transposeB: true)
        guard let bias else { return y }
        return y + bias
    }
}
