// Reductions on plain tensors. Sums accumulate in Double where the result is a single
// number, so totals over large tensors stay accurate.

extension Tensor {
    /// Sum of all elements.
    public func sum() -> Float {
        withUnsafeBufferPointer { p in
            var total: Double = 0
            var i = 0
            // Blocks of Float partial sums keep the loop vectorisable and the error small.
            while i < p.count {
                let end = Swift.min(i + 1024, p.count)
                var block: Float = 0
                for j in i..<end { block += p[j] }
                total += Double(block)
                i = end
            }
            return Float(total)
        }
    }

    /// Mean of all elements.
    public func mean() -> Float { count == 0 ? 0 : sum() / Float(count) }

    /// Sum over one axis, viewed as `outer x n x inner`.
    public func sum(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        precondition(axis >= 0 && axis < rank, "axis \(axis) out of range for shape \(shape)")
        let n = shape[axis]
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        var outShape = shape
        if keepingDimension { outShape[axis] = 1 } else { outShape.remove(at: axis) }
        return Tensor(shape: outShape, unsafeUninitialized: { out in
            withUnsafeBufferPointer { p in
                for o in 0..<outer {
                    let dst = out.baseAddress! + o * inner
                    let src = p.baseAddress! + o * n * inner
                    if inner == 1 {
                        var total: Float = 0
                        for k in 0..<n { total += src[k] }
                        dst[0] = total
                    } else {
                        for i in 0..<inner { dst[i] = src[i] }
                        for k in 1..<Swift.max(n, 1) {
                            let row = src + k * inner
                            for i in 0..<inner { dst[i] += row[i] }
                        }
                        if n == 0 { for i in 0..<inner { dst[i] = 0 } }
                    }
                }
            }
        })
    }

    /// Sum over several axes.
    public func sum(alongAxes axes: [Int], keepingDimensions: Bool = false) -> Tensor {
        var result = self
        for axis in axes.sorted(by: >) {
            result = result.sum(alongAxis: axis, keepingDimension: true)
        }
        if !keepingDimensions {
            let removed = Set(axes)
            result = result.reshaped(shape.enumerated().filter { !removed.contains($0.offset) }.map(\.element))
        }
        return result
    }

    /// Maximum over the last axis and the index where it occurs (first on ties).
    public func maxAlongLastAxis() -> (values: Tensor, indices: [Int]) {
        precondition(rank >= 1 && shape[rank - 1] > 0, "maxAlongLastAxis needs a non-empty last axis")
        let n = shape[rank - 1]
        let rows = count / n
        var indices = [Int](repeating: 0, count: rows)
        let values = Tensor(shape: Array(shape.dropLast()), unsafeUninitialized: { out in
            withUnsafeBufferPointer { p in
                for r in 0..<rows {
                    var best = p[r * n], bestIndex = 0
                    for k in 1..<n where p[r * n + k] > best {
                        best = p[r * n + k]; bestIndex = k
                    }
                    out[r] = best
                    indices[r] = bestIndex
                }
            }
        })
        return (values, indices)
    }

    /// Index of the largest element of each row of a `rows x classes` tensor.
    public func argmaxRows() -> [Int] { maxAlongLastAxis().indices }
}
