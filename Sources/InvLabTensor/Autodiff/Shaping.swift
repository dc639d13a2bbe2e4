// Differentiable shape operations: reshape, permute, slice, concatenate, gather.

extension Var {
    public func reshaped(_ newShape: [Int]) -> Var {
        let s = shape
        return Var.record(value.reshaped(newShape), inputs: [self]) { g in [g.reshaped(s)] }
    }

    /// Keeps the first axis and merges the rest (`N x C x H x W` to `N x CHW`, NCHW order).
    public func flattened() -> Var {
        reshaped([shape.first ?? 1, -1])
    }

    public func permuted(_ permutation: [Int]) -> Var {
        var inverse = [Int](repeating: 0, count: permutation.count)
        for (i, p) in permutation.enumerated() { inverse[p] = i }
        return Var.record(value.permuted(permutation), inputs: [self]) { g in [g.permuted(inverse)] }
    }

    public func slice(alongAxis axis: Int, _ range: Range<Int>) -> Var {
        let s = shape
        if range == 0..<s[axis] { return self }  // the whole axis: no copy, no tape node
        return Var.record(value.slice(alongAxis: axis, range), inputs: [self]) { g in
            // Pad the gradient with zeros back to the input's extent along `axis`.
            var parts: [Tensor] = []
            if range.lowerBound > 0 {
                var before = s; before[axis] = range.lowerBound
                parts.append(Tensor(zeros: before))
            }
            parts.append(g)
            if range.upperBound < s[axis] {
                var after = s; after[axis] = s[axis] - range.upperBound
                parts.append(Tensor(zeros: after))
            }
            return [parts.count == 1 ? g : Tensor.concatenate(parts, alongAxis: axis)]
        }
    }

    public static func concatenate(_ parts: [Var], alongAxis axis: Int) -> Var {
        let sizes = parts.map { $0.shape[axis] }
        return record(Tensor.concatenate(parts.map(\.value), alongAxis: axis), inputs: parts) { g in
            var start = 0
            return sizes.map { size in
                defer { start += size }
                return g.slice(alongAxis: axis, start..<(start + size))
            }
        }
    }

    /// Rows `indices` of the leading axis.
    public func gathering(rows indices: [Int]) -> Var {
        let s = shape
        return Var.record(value.gathering(rows: indices), inputs: [self]) { g in
            [Tensor.scatterAddingRows(g, indices: indices, shape: s)]
        }
    }
}
