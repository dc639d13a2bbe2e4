import InvLabTensor

/// ReduceMean, ReduceSum and ReduceL2: what PyTorch writes for `x.mean(dim)`, `x.sum(dim)` and
/// `F.normalize` / `torch.linalg.vector_norm` (an L2-normalised face embedding, as FaceNet's),
/// from engine sums, so gradients are the engine's.
enum ReduceOps {
    /// The axes to reduce, sorted, or nil for "return the input" (no axes and
    /// `noop_with_empty_axes` 1). Axes are an INT64 input from `inputOpset`, an attribute before;
    /// none means every axis.
    static func axes(_ c: NodeContext, rank: Int, inputOpset: Int64) throws -> [Int]? {
        let given: [Int]? = c.opset >= inputOpset
            ? try c.optionalIntegers(1).map { $0.values.map { Int(clamping: $0) } }
            : try c.ints("axes")
        let axes = try (given ?? []).map { try c.axis($0, rank: rank) }
        guard Set(axes).count == axes.count else { throw c.fail("axes \(given ?? []) repeat an axis") }
        if axes.isEmpty {
            return try c.int("noop_with_empty_axes", default: 0) != 0 ? nil : Array(0..<rank)
        }
        return axes.sorted()
    }

    /// Mean over axes (an attribute before opset 18, an input from 18).
    @Sendable static func reduceMean(_ c: NodeContext) throws -> [RuntimeValue] {
        let x = try c.float(0)
        guard let axes = try axes(c, rank: x.rank, inputOpset: 18) else { return [.float(x)] }
        return [.float(x.mean(alongAxes: axes, keepingDimensions: try c.int("keepdims", default: 1) != 0))]
    }

    /// Sum over axes (an input since opset 13).
    @Sendable static func reduceSum(_ c: NodeContext) throws -> [RuntimeValue] {
        let x = try c.float(0)
        guard let axes = try axes(c, rank: x.rank, inputOpset: 13) else { return [.float(x)] }
        return [.float(x.sum(alongAxes: axes, keepingDimensions: try c.int("keepdims", default: 1) != 0))]
    }

    /// sqrt(sum(x^2)) over axes (an attribute before opset 18, an input from 18). The sum is
    /// clamped to the smallest normal Float before the square root, so that an all-zero slice
    /// has gradient 0 (PyTorch's subgradient of the norm at 0) instead of NaN; its value is then
    /// 1.1e-19 instead of 0.
    @Sendable static func reduceL2(_ c: NodeContext) throws -> [RuntimeValue] {
        let x = try c.float(0)
        // Versions of the ONNX reference disagree on what "no-op" means for ReduceL2 (x or |x|).
        guard let axes = try axes(c, rank: x.rank, inputOpset: 18) else {
            throw c.fail("noop_with_empty_axes 1 without axes is not supported")
        }
        let squares = x.squared().sum(alongAxes: axes, keepingDimensions: try c.int("keepdims", default: 1) != 0)
        return [.float(squares.clamped(to: Float.leastNormalMagnitude...Float.greatestFiniteMagnitude).sqrt())]
    }
}
