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

    /// NumPy matmul. A right operand of rank 1 or 2 with a left operand of any rank is one
    /// product (the left operand's leading axes fold into rows); a right operand of rank 3 or more
    /// is a stack of matrices, multiplied pairwise after NumPy broadcasting of the batch axes
    /// (a 1-D left operand is a row vector whose axis is dropped from the result, as NumPy does).
    @Sendable static func matMul(_ c: NodeContext) throws -> [RuntimeValue] {
        let (a, b) = (try c.float(0), try c.float(1))
        guard a.rank >= 1, b.rank >= 1 else { throw c.fail("operands must have rank 1 or more, got \(a.shape) and \(b.shape)") }
        let k = a.shape[a.rank - 1]
        guard b.shape[max(0, b.rank - 2)] == k else { throw c.fail("inner dimensions differ: \(a.shape) and \(b.shape)") }
        guard b.rank >= 3 else {
            let matrixB = b.rank == 1 ? b.reshaped([k, 1]) : b
            let n = matrixB.shape[1]
            let rows = a.shape.dropLast().reduce(1, *)
            try checkSizes(c, [rows, k, n])
            let product = Var.matmul(a.reshaped([rows, k]), matrixB)
            var shape = Array(a.shape.dropLast())
            if b.rank == 2 { shape.append(n) }
            return [.float(product.reshaped(shape))]
        }
        let matrixA = a.rank == 1 ? a.reshaped([1, k]) : a
        let m = matrixA.shape[matrixA.rank - 2], n = b.shape[b.rank - 1]
        let batchA = Array(matrixA.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        guard let batch = Broadcasting.shape(batchA, batchB) else {
            throw c.fail("the batch axes of \(a.shape) and \(b.shape) do not broadcast")
        }
        let count = batch.reduce(1, *)
        try checkSizes(c, [count * m, k, n])
        guard ShapeOps.product(batch + [m, k]) <= ShapeOps.maximumElements, ShapeOps.product(batch + [k, n]) <= ShapeOps.maximumElements else {
            throw c.fail("broadcasting \(a.shape) and \(b.shape) gives more than \(ShapeOps.maximumElements) elements")
        }
        /// An operand broadcast to the full batch (adding zeros sums its gradient back).
        func stacked(_ x: Var, _ own: [Int], _ matrix: [Int]) -> Var {
            let full = own == batch ? x : x + Var(constant: Tensor(zeros: batch + matrix))
            return full.reshaped([count] + matrix)
        }
        let product = Var.batchedMatmul(stacked(matrixA, batchA, [m, k]), stacked(b, batchB, [k, n]))
        return [.float(product.reshaped(batch + (a.rank == 1 ? [n] : [m, n])))]
    }
}
