import Foundation

// Elementwise kernels on plain tensors (no autodiff); `Var` builds its operations on these.
// Large tensors are split over `Parallel.threads` in contiguous chunks (each element is computed
// by the same expression whatever the split, so results do not depend on the thread count).

/// Elements per thread below which an elementwise kernel stays on one thread.
@usableFromInline let elementwiseChunk = 1 << 16

extension Tensor {
    /// Applies `op` to broadcast pairs of elements of `a` and `b`.
    @inline(__always)
    static func broadcastBinary(_ a: Tensor, _ b: Tensor, _ op: (Float, Float) -> Float) -> Tensor {
        if a.shape == b.shape {
            return Tensor(shape: a.shape, unsafeUninitialized: { out in
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        Parallel.forEachChunk(of: out.count, minimumChunk: elementwiseChunk) { range in
                            for i in range { out[i] = op(pa[i], pb[i]) }
                        }
                    }
                }
            })
        }
        guard let outShape = Broadcasting.shape(a.shape, b.shape) else {
            preconditionFailure("shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        if b.count == 1 {
            let s = b.scalars[0]
            return Tensor(shape: outShape, unsafeUninitialized: { out in
                a.withUnsafeBufferPointer { pa in
                    Parallel.forEachChunk(of: out.count, minimumChunk: elementwiseChunk) { range in
                        for i in range { out[i] = op(pa[i], s) }
                    }
                }
            })
        }
        if a.count == 1 {
            let s = a.scalars[0]
            return Tensor(shape: outShape, unsafeUninitialized: { out in
                b.withUnsafeBufferPointer { pb in
                    Parallel.forEachChunk(of: out.count, minimumChunk: elementwiseChunk) { range in
                        for i in range { out[i] = op(s, pb[i]) }
                    }
                }
            })
        }
        let nest = Broadcasting.LoopNest(outShape: outShape, operandShapes: [a.shape, b.shape])
        return Tensor(shape: outShape, unsafeUninitialized: { out in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    let rank = nest.sizes.count
                    let inner = nest.sizes[rank - 1]
                    let sa = nest.strides[0][rank - 1], sb = nest.strides[1][rank - 1]
                    var index = [Int](repeating: 0, count: rank)
                    var offsetA = 0, offsetB = 0, o = 0
                    while o < out.count {
                        var ia = offsetA, ib = offsetB
                        for _ in 0..<inner {
                            out[o] = op(pa[ia], pb[ib])
                            o += 1; ia += sa; ib += sb
                        }
                        // Advance the odometer over the outer loops.
                        var axis = rank - 2
                        while axis >= 0 {
                            index[axis] += 1
                            offsetA += nest.strides[0][axis]
                            offsetB += nest.strides[1][axis]
                            if index[axis] < nest.sizes[axis] { break }
                            offsetA -= nest.strides[0][axis] * nest.sizes[axis]
                            offsetB -= nest.strides[1][axis] * nest.sizes[axis]
                            index[axis] = 0
                            axis -= 1
                        }
                    }
                }
            }
        })
    }

    /// A new tensor with `transform` applied to every element.
    @inline(__always)
    public func map(_ transform: (Float) -> Float) -> Tensor {
        Tensor(shape: shape, unsafeUninitialized: { out in
            withUnsafeBufferPointer { p in
                Parallel.forEachChunk(of: out.count, minimumChunk: elementwiseChunk) { range in
                    for i in range { out[i] = transform(p[i]) }
                }
            }
        })
    }

    /// Combines two tensors of the same shape element by element.
    @inline(__always)
    public func zipMap(_ other: Tensor, _ transform: (Float, Float) -> Float) -> Tensor {
        precondition(shape == other.shape, "zipMap needs equal shapes, got \(shape) and \(other.shape)")
        return Tensor.broadcastBinary(self, other, transform)
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor {
        // Equal shapes (a residual connection's sum) by a plain loop: the generic kernel calls
        // its operation through a closure per element.
        guard a.shape == b.shape else { return broadcastBinary(a, b) { $0 + $1 } }
        return Tensor(shape: a.shape, unsafeUninitialized: { out in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    Parallel.forEachChunk(of: out.count, minimumChunk: elementwiseChunk) { range in
                        for i in range { out[i] = pa[i] + pb[i] }
                    }
                }
            }
        })
    }
    public static func - (a: Tensor, b: Tensor) -> Tensor { broadcastBinary(a, b) { $0 - $1 } }
    public static func * (a: Tensor, b: Tensor) -> Tensor { broadcastBinary(a, b) { $0 * $1 } }
    public static func / (a: Tensor, b: Tensor) -> Tensor { broadcastBinary(a, b) { $0 / $1 } }
    public static func + (a: Tensor, s: Float) -> Tensor { a.map { $0 + s } }
    public static func - (a: Tensor, s: Float) -> Tensor { a.map { $0 - s } }
    public static func * (a: Tensor, s: Float) -> Tensor { a.map { $0 * s } }
    public static func / (a: Tensor, s: Float) -> Tensor { a.map { $0 / s } }
    public static func + (s: Float, a: Tensor) -> Tensor { a.map { s + $0 } }
    public static func - (s: Float, a: Tensor) -> Tensor { a.map { s - $0 } }
    public static func * (s: Float, a: Tensor) -> Tensor { a.map { s * $0 } }
    public static prefix func - (a: Tensor) -> Tensor { a.map { -$0 } }

    /// Adds `other` (same shape) into this tensor, in place when the storage is not shared.
    public mutating func add(_ other: Tensor, scaledBy factor: Float = 1) {
        precondition(shape == other.shape, "add needs equal shapes, got \(shape) and \(other.shape)")
        other.withUnsafeBufferPointer { src in
            withUnsafeMutableBufferPointer { dst in
                for i in 0..<dst.count { dst[i] += factor * src[i] }
            }
        }
    }

    /// Multiplies every element by `factor`, in place.
    public mutating func scale(by factor: Float) {
        withUnsafeMutableBufferPointer { dst in for i in 0..<dst.count { dst[i] *= factor } }
    }

    /// Clamps every element to `range`, in place.
    public mutating func clamp(to range: ClosedRange<Float>) {
        let low = range.lowerBound, high = range.upperBound
        withUnsafeMutableBufferPointer { dst in
            for i in 0..<dst.count { dst[i] = Swift.min(Swift.max(dst[i], low), high) }
        }
    }

    /// Elementwise clamp, returning a new tensor.
    public func clamped(to range: ClosedRange<Float>) -> Tensor {
        var copy = self
        copy.clamp(to: range)
        return copy
    }
}
