import InvLabTensor

/// Matrix products: Gemm (PyTorch's Linear) and MatMul.
enum LinearOps {
    /// alpha * op(A) op(B) + beta * C, with A and B matrices and C broadcast to the result.
    @Sendable static func gemm(_ c: NodeContext) throws -> [RuntimeValue] {
        let (a, b) = (try c.float(0), try c.float(1))
        let bias = try c.optionalFloat(2)
        let transA = try c.int("transA", default: 0) != 0, transB = try c.int("transB", default: 0) != 0
        let alpha = try c.float("alpha", default: 1), beta = try c.float("beta", default: 1)
        guard a.rank == 2, b.rank == 2 else { throw c.fail("A and B must be matrices, got shapes \(a.shape) and \(b.shape)") }
        let (m, k) = transA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (kb, n) = transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard k == kb else {
            throw c.fail("inner dimensions differ: A \(a.shape) (transA \(transA ? 1 : 0)), B \(b.shape) (transB \(transB ? 1 : 0))")
        }
        try checkSizes(c, [m, k, n])
        var y = Var.matmul(a, b, transposeA: transA, transposeB: transB)
        if alpha != 1 { y = y * alpha }
        if let bias {
            guard Broadcasting.shape(bias.shape, [m, n]) == [m, n] else {
                throw c.fail("C of shape \(bias.shape) does not broadcast to the result's shape \([m, n])")
            }
            y = y + (beta == 1 ? bias : bias * beta)
        }
        return [.float(y)]
    }

    /// A product of `m x k` and `k x n` matrices needs non-empty operands and an allocatable result.
    static func checkSizes(_ c: NodeContext, _ mkn: [Int]) throws {
        guard mkn.allSatisfy({ $0 >= 1 }), ShapeOps.product([mkn[0], mkn[2]]) <= ShapeOps.maximumElements else {
            throw c.fail("a product of \(mkn[0]) x \(mkn[1]) and \(mkn[1]) x \(mkn[2]) matrices is not supported "
                + "(empty, or more than \(ShapeOps.maximumElements) result elements)")
        }
    }

    /// NumPy matmul for a right operand of rank 1 or 2; a left operand of higher rank is a stack
    /// of matrices, folded into one product.
    @Sendable static func matMul(_ c: NodeContext) throws -> [RuntimeValue] {
        let (a, b) = (try c.float(0), try c.float(1))
        guard a.rank >= 1, b.rank == 1 || b.rank == 2 else {
            throw c.fail("supported: a right operand of rank 1 or 2 and a left operand of rank 1 or more; got \(a.shape) and \(b.shape)")
        }
        let k = a.shape[a.rank - 1]
        guard b.shape[0] == k else { throw c.fail("inner dimensions differ: \(a.shape) and \(b.shape)") }
        let matrixB = b.rank == 1 ? b.reshaped([k, 1]) : b
        let n = matrixB.shape[1]
        let rows = a.shape.dropLast().reduce(1, *)
        try checkSizes(c, [rows, k, n])
        let product = Var.matmul(a.reshaped([rows, k]), matrixB)
        var shape = Array(a.shape.dropLast())
        if b.rank == 2 { shape.append(n) }
        return [.float(product.reshaped(shape))]
    }
}
