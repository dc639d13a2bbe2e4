// Copies that rearrange elements: permutation, slicing, concatenation and gathering.

extension Tensor {
    /// Reorders the axes: result axis `i` is this tensor's axis `permutation[i]`.
    public func permuted(_ permutation: [Int]) -> Tensor {
        precondition(permutation.sorted() == Array(0..<rank), "bad permutation \(permutation) for rank \(rank)")
        if permutation == Array(0..<rank) { return self }
        let outShape = permutation.map { shape[$0] }
        let inStrides = contiguousStrides(shape)
        // Strides of the source, in output axis order.
        let sourceStrides = permutation.map { inStrides[$0] }
        return Tensor(shape: outShape, unsafeUninitialized: { out in
            withUnsafeBufferPointer { p in
                let r = outShape.count
                let inner = outShape[r - 1], innerStride = sourceStrides[r - 1]
                var index = [Int](repeating: 0, count: r)
                var offset = 0, o = 0
                while o < out.count {
                    var s = offset
                    for _ in 0..<inner { out[o] = p[s]; o += 1; s += innerStride }
                    var axis = r - 2
                    while axis >= 0 {
                        index[axis] += 1
                        offset += sourceStrides[axis]
                        if index[axis] < outShape[axis] { break }
                        offset -= sourceStrides[axis] * outShape[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        })
    }

    /// Matrix transpose of a rank-2 tensor.
    public func transposed() -> Tensor {
        precondition(rank == 2, "transposed() needs a matrix, got shape \(shape)")
        return permuted([1, 0])
    }

    /// The sub-tensor with indices `range` along `axis`.
    public func slice(alongAxis axis: Int, _ range: Range<Int>) -> Tensor {
        precondition(axis >= 0 && axis < rank && range.lowerBound >= 0 && range.upperBound <= shape[axis],
                     "slice \(range) out of bounds for axis \(axis) of shape \(shape)")
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        var outShape = shape
        outShape[axis] = range.count
        let block = range.count * inner
        return Tensor(shape: outShape, unsafeUninitialized: { out in
            withUnsafeBufferPointer { p in
                for o in 0..<outer {
                    let src = p.baseAddress! + (o * shape[axis] + range.lowerBound) * inner
                    (out.baseAddress! + o * block).update(from: src, count: block)
                }
            }
        })
    }

    /// Joins tensors along `axis`; all other dimensions must agree.
    public static func concatenate(_ parts: [Tensor], alongAxis axis: Int) -> Tensor {
        precondition(!parts.isEmpty, "concatenate needs at least one tensor")
        let first = parts[0].shape
        for part in parts {
            precondition(part.rank == first.count && (0..<first.count).allSatisfy { $0 == axis || part.shape[$0] == first[$0] },
                         "cannot concatenate shapes \(parts.map(\.shape)) along axis \(axis)")
        }
        var outShape = first
        outShape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
        let outer = first[..<axis].reduce(1, *)
        let inner = first[(axis + 1)...].reduce(1, *)
        return Tensor(shape: outShape, unsafeUninitialized: { out in
            var dst = out.baseAddress!
            for o in 0..<outer {
                for part in parts {
                    let block = part.shape[axis] * inner
                    part.withUnsafeBufferPointer { p in dst.update(from: p.baseAddress! + o * block, count: block) }
                    dst += block
                }
            }
        })
    }

    /// Rows `indices` of the leading axis (indices may repeat).
    public func gathering(rows indices: [Int]) -> Tensor {
        let rowSize = rank == 0 ? 1 : count / Swift.max(shape[0], 1)
        var outShape = shape
        outShape[0] = indices.count
        return Tensor(shape: outShape, unsafeUninitialized: { out in
            withUnsafeBufferPointer { p in
                for (r, index) in indices.enumerated() {
                    precondition(index >= 0 && index < shape[0], "row index \(index) out of range 0..<\(shape[0])")
                    (out.baseAddress! + r * rowSize).update(from: p.baseAddress! + index * rowSize, count: rowSize)
                }
            }
        })
    }

    /// Adds the rows of `source` into rows `indices` of a zero tensor of `shape` (gather's adjoint).
    public static func scatterAddingRows(_ source: Tensor, indices: [Int], shape: [Int]) -> Tensor {
        var result = Tensor(zeros: shape)
        let rowSize = source.count / Swift.max(indices.count, 1)
        result.withUnsafeMutableBufferPointer { dst in
            source.withUnsafeBufferPointer { src in
                for (r, index) in indices.enumerated() {
                    for i in 0..<rowSize { dst[index * rowSize + i] += src[r * rowSize + i] }
                }
            }
        }
        return result
    }

    /// One-hot rows: `labels.count x classes`.
    public static func oneHot(_ labels: [Int], classes: Int) -> Tensor {
        var result = Tensor(zeros: [labels.count, classes])
        result.withUnsafeMutableBufferPointer { p in
            for (row, label) in labels.enumerated() where label >= 0 && label < classes {
                p[row * classes + label] = 1
            }
        }
        return result
    }
}

extension Tensor {
    /// `body` applied to consecutive chunks of at most `chunk` rows (axis 0), the results
    /// concatenated along axis 0: bounded memory for models applied to many images. A tensor of
    /// at most `chunk` rows goes to `body` whole.
    public func mappingRowChunks(_ chunk: Int, _ body: (Tensor) -> Tensor) -> Tensor {
        guard shape[0] > chunk else { return body(self) }
        var parts: [Tensor] = []
        var begin = 0
        while begin < shape[0] {
            let end = Swift.min(begin + chunk, shape[0])
            parts.append(body(slice(alongAxis: 0, begin..<end)))
            begin = end
        }
        return Tensor.concatenate(parts, alongAxis: 0)
    }
}
