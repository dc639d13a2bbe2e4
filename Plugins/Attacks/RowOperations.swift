import InvLabTensor

/// Row-wise copies on batches (`N x ...`), for the attack loop's per-attempt bookkeeping:
/// keeping an attempt's best iterate, freezing a stopped attempt, masking its gradient.
extension Tensor {
    /// Elements per row of the leading axis.
    var elementsPerRow: Int { shape.isEmpty || shape[0] == 0 ? 0 : count / shape[0] }

    /// Copies row `sourceRow` of `source` (same row size) into row `row`.
    mutating func copyRow(_ row: Int, from source: Tensor, row sourceRow: Int) {
        let size = elementsPerRow
        precondition(source.elementsPerRow == size, "row sizes differ")
        source.withUnsafeBufferPointer { src in
            withUnsafeMutableBufferPointer { dst in
                (dst.baseAddress! + row * size).update(from: src.baseAddress! + sourceRow * size, count: size)
            }
        }
    }

    /// Sets row `row` to zero.
    mutating func zeroRow(_ row: Int) {
        let size = elementsPerRow
        withUnsafeMutableBufferPointer { dst in
            (dst.baseAddress! + row * size).update(repeating: 0, count: size)
        }
    }

    /// The elements of row `row`.
    func row(_ row: Int) -> ArraySlice<Float> {
        let size = elementsPerRow
        return scalars[(row * size)..<((row + 1) * size)]
    }
}
