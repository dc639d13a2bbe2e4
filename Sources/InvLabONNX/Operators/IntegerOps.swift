import InvLabTensor

/// The shape arithmetic exporters emit for a free batch dimension (`x.view(x.size(0), -1)`
/// becomes Shape, Gather, Unsqueeze, Concat, Reshape): exact integer tensors, no gradient.
/// Unsqueeze and Squeeze also reshape float tensors, and Gather also selects from them.
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

    /// Gather: slices of the data along `axis` at integer indices (negative ones count from the
    /// end), the indices' shape taking the axis's place. Float data is differentiable (the
    /// gradient of each slice is added back where it came from); integer data (shape arithmetic)
    /// must be a vector.
    @Sendable static func gather(_ c: NodeContext) throws -> [RuntimeValue] {
        guard let indices = try c.optionalIntegers(1) else { throw c.fail("input 1 (indices) is missing") }
        switch c.optional(0) {
        case nil: throw c.fail("input 0 (data) is missing")
        case .float(let x): return [.float(try gatherFloats(c, x, indices))]
        case .integers(let data):
            guard data.shape.count == 1 else { throw c.fail("only a vector of integer data is supported, got shape \(data.shape)") }
            guard try c.axis(try c.int("axis", default: 0), rank: 1) == 0 else { throw c.fail("axis must be 0") }
            let rows = try resolved(c, indices, size: data.values.count)
            return [.integers(IntegerTensor(shape: indices.shape, values: rows.map { data.values[$0] }))]
        }
    }

    /// The indices as non-negative positions along an axis of `size`.
    static func resolved(_ c: NodeContext, _ indices: IntegerTensor, size: Int) throws -> [Int] {
        try indices.values.map { index -> Int in
            guard index >= -Int64(size), index < Int64(size) else {
                throw c.fail("index \(index) is out of range for \(size) values")
            }
            return Int(index < 0 ? index + Int64(size) : index)
        }
    }

    /// Float Gather as engine operations: the axis moves to the front, rows are gathered (their
    /// gradient is a scatter-add), and the indices' axes move back to the axis's place.
    static func gatherFloats(_ c: NodeContext, _ x: Var, _ indices: IntegerTensor) throws -> Var {
        guard x.rank >= 1 else { throw c.fail("data must have rank 1 or more, got a scalar") }
        let axis = try c.axis(try c.int("axis", default: 0), rank: x.rank)
        guard !indices.values.isEmpty else { throw c.fail("empty indices (shape \(indices.shape)) are not supported") }
        let rows = try resolved(c, indices, size: x.shape[axis])
        let rest = x.shape.indices.filter { $0 != axis }
        guard ShapeOps.product(indices.shape + rest.map { x.shape[$0] }) <= ShapeOps.maximumElements else {
            throw c.fail("the result would have more than \(ShapeOps.maximumElements) elements")
        }
        let front = axis == 0 ? x : x.permuted([axis] + rest)
        let gathered = front.gathering(rows: rows).reshaped(indices.shape + rest.map { x.shape[$0] })
        guard axis > 0 else { return gathered }
        let q = indices.shape.count
        return gathered.permuted(Array(q..<(q + axis)) + Array(0..<q) + Array((q + axis)..<(q + x.rank - 1)))
    }

    /// The axes of Unsqueeze or Squeeze: an INT64 input from opset 13, an attribute before.
    static func axes(_ c: NodeContext) throws -> [Int]? {
        guard c.opset >= 13 else { return try c.ints("axes") }
        return try c.optionalIntegers(1).map { $0.values.map { Int(clamping: $0) } }
    }

    /// Inserts dimensions of size 1 at `axes` (positions in the output).
    @Sendable static func unsqueeze(_ c: NodeContext) throws -> [RuntimeValue] {
        guard let value = c.optional(0) else { throw c.fail("input 0 is missing") }
        guard let given = try axes(c), !given.isEmpty else {
            throw c.fail(c.opset >= 13 ? "input 1 (axes) is missing" : "attribute 'axes' is missing")
        }
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
