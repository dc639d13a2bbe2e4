/// NumPy/PyTorch broadcasting: shapes are aligned at their trailing dimensions and a
/// dimension of 1 stretches to match the other.
public enum Broadcasting {
    /// The broadcast result shape, or nil when the shapes are incompatible.
    public static func shape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for axis in 0..<rank {
            let da = axis < rank - a.count ? 1 : a[axis - (rank - a.count)]
            let db = axis < rank - b.count ? 1 : b[axis - (rank - b.count)]
            if da == db || db == 1 {
                result[axis] = da
            } else if da == 1 {
                result[axis] = db
            } else {
                return nil
            }
        }
        return result
    }

    /// A loop nest for iterating over an output of `outShape` while reading operands of the given
    /// shapes: dimensions of size 1 are dropped and adjacent dimensions that are contiguous for
    /// every operand are merged, so most broadcasts become one or two flat loops.
    struct LoopNest {
        var sizes: [Int] = []
        /// Per operand, the element stride of each loop (0 where the operand is broadcast).
        var strides: [[Int]]

        init(outShape: [Int], operandShapes: [[Int]]) {
            let rank = outShape.count
            let operandStrides: [[Int]] = operandShapes.map { shape in
                let padded = [Int](repeating: 1, count: rank - shape.count) + shape
                let contiguous = contiguousStrides(padded)
                return (0..<rank).map { padded[$0] == 1 ? 0 : contiguous[$0] }
            }
            strides = Array(repeating: [], count: operandShapes.count)
            for axis in 0..<rank where outShape[axis] != 1 {
                let size = outShape[axis]
                if let last = sizes.indices.last,
                   operandStrides.indices.allSatisfy({ strides[$0][last] == operandStrides[$0][axis] * size }) {
                    sizes[last] *= size
                    for op in operandStrides.indices { strides[op][last] = operandStrides[op][axis] }
                } else {
                    sizes.append(size)
                    for op in operandStrides.indices { strides[op].append(operandStrides[op][axis]) }
                }
            }
            if sizes.isEmpty {
                sizes = [1]
                strides = strides.map { _ in [0] }
            }
        }
    }
}

extension Tensor {
    /// Sums this tensor down to `targetShape`, the inverse of broadcasting to `shape`
    /// (used by gradients of broadcast operations).
    public func summed(toShape targetShape: [Int]) -> Tensor {
        if shape == targetShape { return self }
        let extra = shape.count - targetShape.count
        precondition(extra >= 0, "cannot sum \(shape) to \(targetShape)")
        var axes: [Int] = Array(0..<extra)
        for (i, dim) in targetShape.enumerated() where dim == 1 && shape[extra + i] != 1 {
            axes.append(extra + i)
        }
        return sum(alongAxes: axes, keepingDimensions: true).reshaped(targetShape)
    }
}
