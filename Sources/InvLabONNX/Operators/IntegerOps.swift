import InvLabTensor

/// The shape arithmetic exporters emit for a free batch dimension (`x.view(x.size(0), -1)`
/// becomes Shape, Gather, Unsqueeze, Concat, Reshape): exact integer tensors, no gradient.
/// Unsqueeze and Squeeze also reshape float tensors.
enum IntegerOps {
    /// The input's shape as an INT64 vector, optionally `start..<end` of it (opset 15+).
    @Sendable static func shape(_ c: NodeContext) throws -> [RuntimeValue] {
        guard let value = c.optional(0) else { throw c.fail("input 0 is missing") }
        let dims = value.shape
        let rank = dims.count
        func clampedAxis(_ axis: Int) -> Int { min(max(axis < 0 ? axis + rank : axis, 0), rank) }
        let start = clampedAxis(try c.int("start", default: 0)), end = clampedAxis(try c.int("end", default: rank))
        let kept = start < end ? Array(dims[start..<end]) : []
        return [.integers(IntegerTensor(shape: [kept.count], values: kept.map { Int64($0) }))]
    }

    /// Elements of an integer tensor along `axis`, at integer indices (negative ones count from the end).
    @Sendable static func gather(_ c: NodeContext) throws -> [RuntimeValue] {
        guard case .integers(let data)? = c.optional(0) else {
            throw c.fail("only integer data (shape arithmetic) is supported; Gather on float tensors is not")
        }
        guard let indices = try c.optionalIntegers(1) else { throw c.fail("input 1 (indices) is missing") }
        guard data.shape.count == 1 else { throw c.fail("only a vector of data is supported, got shape \(data.shape)") }
        guard try c.axis(try c.int("axis", default: 0), rank: 1) == 0 else { throw c.fail("axis must be 0") }
        let count = Int64(data.values.count)
        let values = try indices.values.map { index -> Int64 in
            guard index >= -count, index < count else { throw c.fail("index \(index) is out of range for \(count) values") }
            return data.values[Int(index < 0 ? index + count : index)]
        }
        return [.integers(IntegerTensor(shape: indices.shape, values: values))]
    }

    /// The axes of Unsqueeze or Squeeze: an INT64 input from opset 13.
    static func axes(_ c: NodeContext) throws -> [Int]? {
        try c.optionalIntegers(1).map { $0.values.map { Int(clamping: $0) } }
    }

    /// Inserts dimensions of size 1 at `axes` (positions in the output).
    @Sendable static func unsqueeze(_ c: NodeContext) throws -> [RuntimeValue] {
        guard let value = c.optional(0) else { throw c.fail("input 0 is missing") }
        guard let given = try axes(c), !given.isEmpty else { throw c.fail("input 1 (axes) is missing") }
        let rank = value.shape.count + given.count
        let axes = try given.map { try c.axis($0, rank: rank) }
        guard Set(axes).count == axes.count else { throw c.fail("axes \(given) repeat an axis") }
        var dims = value.shape
        for axis in axes.sorted() { dims.insert(1, at: axis) }
        return [try reshaped(value, dims)]
    }

    /// Removes the dimensions of size 1 at `axes` (all of them when there are no axes).
    @Sendable static func squeeze(_ c: NodeContext) throws -> [RuntimeValue] {
        guard let value = c.optional(0) else { throw c.fail("input 0 is missing") }
        let rank = value.shape.count
        let axes = try (try axes(c) ?? value.shape.indices.filter { value.shape[$0] == 1 }).map { try c.axis($0, rank: rank) }
        for axis in axes where value.shape[axis] != 1 {
            throw c.fail("axis \(axis) of shape \(value.shape) is not of size 1")
        }
        return [try reshaped(value, value.shape.indices.filter { !axes.contains($0) }.map { value.shape[$0] })]
    }

    static func reshaped(_ value: RuntimeValue, _ dims: [Int]) throws -> RuntimeValue {
        switch value {
        case .float(let x): .float(x.reshaped(dims))
        case .integers(let integers): .integers(IntegerTensor(shape: dims, values: integers.values))
        }
    }
}
