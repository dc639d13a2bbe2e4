import Foundation

/// A dense, contiguous, row-major array of `Float` with value semantics.
///
/// Storage is a Swift `Array`, so copies are cheap and copy-on-write: a tensor is only
/// duplicated when one of two owners mutates it. Shapes use PyTorch's conventions
/// (images are `N x C x H x W`), so weights and arrays line up with PyTorch and NumPy files.
public struct Tensor: Sendable, Equatable {
    /// Extent of each dimension, outermost first. A scalar has shape `[]`.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.reduce(1, *)`.
    public internal(set) var scalars: [Float]

    /// Wraps existing scalars. The count must match the shape (a programming error otherwise).
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        precondition(shape.reduce(1, *) == scalars.count,
                     "shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor filled with one value.
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// A zero-filled tensor.
    public init(zeros shape: [Int]) { self.init(repeating: 0, shape: shape) }

    /// A vector (rank-1 tensor) of the given scalars.
    public init(_ scalars: [Float]) { self.init(shape: [scalars.count], scalars: scalars) }

    /// A scalar (rank-0) tensor.
    public init(_ value: Float) { self.init(shape: [], scalars: [value]) }

    /// A tensor whose scalars are produced by `body`, which fills an uninitialised buffer
    /// completely (used by kernels to avoid zero-filling memory they overwrite anyway).
    @inlinable
    public init(shape: [Int], unsafeUninitialized body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let count = shape.reduce(1, *)
        let scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            body(buffer)
            initialized = count
        }
        self.init(shape: shape, scalars: scalars)
    }

    /// Number of elements.
    @inlinable public var count: Int { scalars.count }
    /// Number of dimensions.
    @inlinable public var rank: Int { shape.count }

    /// The single element of a tensor with one element.
    public var scalar: Float {
        precondition(count == 1, "tensor of shape \(shape) is not a scalar")
        return scalars[0]
    }

    /// Same scalars, new shape; one dimension may be `-1` and is inferred.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var dims = newShape
        if let hole = dims.firstIndex(of: -1) {
            let known = dims.enumerated().filter { $0.offset != hole }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            dims[hole] = count / known
        }
        precondition(dims.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        var copy = self
        copy.shape = dims
        return copy
    }

    /// Read-only access to the scalars without bounds checks in release builds.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    /// Mutable access; copies the storage first when it is shared (copy-on-write).
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer(body)
    }

    /// Element at a multi-dimensional index (slow; for tests and small reads).
    public subscript(_ index: Int...) -> Float {
        get { scalars[flatIndex(index)] }
        set { scalars[flatIndex(index)] = newValue }
    }

    private func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "index \(index) does not match shape \(shape)")
        var flat = 0
        for (i, dim) in zip(index, shape) {
            precondition(i >= 0 && i < dim, "index \(index) out of range for shape \(shape)")
            flat = flat * dim + i
        }
        return flat
    }

    /// True when every element is finite (no NaN, no infinity).
    ///
    /// A value is NaN or infinite exactly when its exponent bits are all ones. The test is an
    /// integer compare OR-ed over the tensor, which vectorises with baseline SSE2 (an unsigned
    /// maximum needs SSE4.1 and stays scalar; a float sum would not vectorise, its order being
    /// fixed): measured 43 us against 83 us on an attack batch of 40 x 10304. The attack loop
    /// checks its whole batch every step.
    public var isFinite: Bool {
        withUnsafeBufferPointer { buffer in
            var found: UInt32 = 0
            for value in buffer { found |= (value.bitPattern & 0x7F80_0000) == 0x7F80_0000 ? 1 : 0 }
            return found == 0
        }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = scalars.prefix(8).map { String(format: "%.4g", Double($0)) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(preview)\(count > 8 ? ", ..." : "")])"
    }
}

/// Row-major strides of a shape.
@inlinable
public func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var running = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[axis] = running
        running *= shape[axis]
    }
    return strides
}
