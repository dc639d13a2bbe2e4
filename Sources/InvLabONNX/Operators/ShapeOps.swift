import Foundation
import InvLabTensor

/// Operators that move, join, pad or reduce values, and constants.
enum ShapeOps {
    /// The most elements an operator may create from its attributes (a padding or a reshape
    /// cannot blow one tensor up beyond 1 GB of Float).
    static let maximumElements = 1 << 28
    /// The most elements a Pad node, or a convolution's or pooling's `pads`, adds on one side of
    /// an axis. Classifiers pad by a kernel's radius; a hostile pad of millions on a tiny input
    /// would otherwise make a tensor of hundreds of millions of elements that every later
    /// operator and its gradient must sweep (found by fuzzing: Fuzz/regression/onnx/timeout-ae23df29c48b5f99).
    static let maximumPad = 1024

    /// The product of `sizes`, or `Int.max` when it overflows.
    static func product(_ sizes: [Int]) -> Int {
        sizes.reduce(1) { total, size in
            let (result, overflow) = total.multipliedReportingOverflow(by: size)
            return overflow ? Int.max : result
        }
    }

    @Sendable static func flatten(_ c: NodeContext) throws -> [RuntimeValue] {
        let x = try c.float(0)
        let axis = try c.int("axis", default: 1)
        guard axis >= -x.rank, axis <= x.rank else { throw c.fail("axis \(axis) is out of range for rank \(x.rank)") }
        let split = axis < 0 ? axis + x.rank : axis
        return [.float(x.reshaped([x.shape[..<split].reduce(1, *), x.shape[split...].reduce(1, *)]))]
    }

    /// Reshape to a constant shape; 0 copies the input's dimension, one -1 is inferred. Integer
    /// tensors are reshaped too (the dynamo exporter turns a batch size into a vector this way).
    /// `allowzero` 1 (what the dynamo exporter writes) differs only for a 0 in the shape, which
    /// then means an empty dimension: such a shape is refused, any other is the same reshape.
    @Sendable static func reshape(_ c: NodeContext) throws -> [RuntimeValue] {
        guard let value = c.optional(0) else { throw c.fail("input 0 is missing") }
        guard let target = try c.optionalIntegers(1) else { throw c.fail("input 1 (shape) is missing") }
        guard target.shape.count == 1, target.values.count <= 64 else {
            throw c.fail("shape must be a vector of at most 64 values, got shape \(target.shape)")
        }
        if try c.int("allowzero", default: 0) != 0, target.values.contains(0) {
            throw c.fail("shape \(target.values) with allowzero 1 asks for an empty dimension, which is not supported")
        }
        let x = value.shape
        var dims: [Int] = []
        var hole: Int?
        for (i, value) in target.values.enumerated() {
            switch value {
            case 0:
                guard i < x.count else { throw c.fail("shape \(target.values) copies dimension \(i), but the input \(x) has rank \(x.count)") }
                dims.append(x[i])
            case -1:
                guard hole == nil else { throw c.fail("shape \(target.values) has more than one -1") }
                hole = i
                dims.append(1)
            case 1...Int64(maximumElements): dims.append(Int(value))
            default: throw c.fail("shape \(target.values) has an invalid dimension \(value)")
            }
        }
        let known = product(dims)
        let count = product(x)
        if let hole {
            guard known > 0, count % known == 0 else { throw c.fail("cannot reshape \(x) to \(target.values)") }
            dims[hole] = count / known
        } else if known != count {
            throw c.fail("cannot reshape \(x) (\(count) elements) to \(target.values)")
        }
        return [try IntegerOps.reshaped(value, dims)]
    }

    @Sendable static func transpose(_ c: NodeContext) throws -> [RuntimeValue] {
        let x = try c.float(0)
        let perm = try c.ints("perm") ?? Array((0..<x.rank).reversed())
        guard perm.sorted() == Array(0..<x.rank) else {
            throw c.fail("perm \(perm) is not a permutation of the input's \(x.rank) axes")
        }
        return [.float(x.permuted(perm))]
    }

    /// Concatenation of float tensors along any axis, or of integer vectors (shape arithmetic).
    @Sendable static func concat(_ c: NodeContext) throws -> [RuntimeValue] {
        guard !c.inputs.isEmpty else { throw c.fail("needs at least one input") }
        let values = try c.inputs.indices.map { index -> RuntimeValue in
            guard let value = c.optional(index) else { throw c.fail("input \(index) is missing") }
            return value
        }
        let integers = values.compactMap { if case .integers(let v) = $0 { v } else { nil } }
        if integers.count == values.count, integers.allSatisfy({ $0.shape.count == 1 }) {
            let joined = integers.flatMap(\.values)
            return [.integers(IntegerTensor(shape: [joined.count], values: joined))]
        }
        let parts = try values.indices.map { try c.float($0) }
        let rank = parts[0].rank
        guard c.attribute("axis") != nil else { throw c.fail("attribute 'axis' is missing") }
        let axis = try c.axis(try c.int("axis", default: 0), rank: rank)
        for part in parts {
            let same = part.rank == rank && (0..<rank).allSatisfy { $0 == axis || part.shape[$0] == parts[0].shape[$0] }
            guard same else {
                throw c.fail("inputs of shapes \(parts.map(\.shape)) differ outside axis \(axis)")
            }
        }
        return [.float(parts.count == 1 ? parts[0] : Var.concatenate(parts, alongAxis: axis))]
    }

    /// Constant-mode padding; negative pads crop.
    @Sendable static func pad(_ c: NodeContext) throws -> [RuntimeValue] {
        let x = try c.float(0)
        let mode = try c.string("mode", default: "constant")
        guard mode == "constant" else { throw c.fail("mode '\(mode)' is not supported; supported: constant") }
        guard let pads = try c.optionalIntegers(1) else { throw c.fail("input 1 (pads) is missing") }
        let value = try c.optionalScalar(2) ?? 0
        var axes = Array(0..<x.rank)
        if let given = try c.optionalIntegers(3) {
            axes = try given.values.map { try c.axis(Int(clamping: $0), rank: x.rank, what: "pad axis") }
            guard Set(axes).count == axes.count else { throw c.fail("pad axes \(given.values) repeat an axis") }
        }
        guard pads.values.count == 2 * axes.count else {
            throw c.fail("pads has \(pads.values.count) values, needs \(2 * axes.count) (begin and end per axis)")
        }
        var before = [Int](repeating: 0, count: x.rank), after = before
        for (i, axis) in axes.enumerated() {
            before[axis] = Int(clamping: pads.values[i])
            after[axis] = Int(clamping: pads.values[i + axes.count])
        }
        guard (before + after).allSatisfy({ $0 <= maximumPad }) else {
            throw c.fail("pads \(before) + \(after) add more than \(maximumPad) elements on a side of shape \(x.shape); "
                + "supported: at most \(maximumPad) (negative pads crop)")
        }
        return [.float(try padded(x, before: before, after: after, value: value, c))]
    }

    /// `x` with `before[axis]` and `after[axis]` elements of `value` added along each axis
    /// (negative counts remove elements), built from slices and concatenations.
    static func padded(_ x: Var, before: [Int], after: [Int], value: Float, _ c: NodeContext) throws -> Var {
        var shape = x.shape
        let limit = -maximumElements...maximumElements
        for axis in 0..<x.rank {
            let (low, high) = (before[axis], after[axis])
            guard limit.contains(low), limit.contains(high), max(-low, 0) + max(-high, 0) <= shape[axis] else {
                throw c.fail("pads \(before) + \(after) are out of range for shape \(x.shape)")
            }
            let sum = shape[axis] + low + high
            shape[axis] = sum
        }
        guard product(shape) <= maximumElements else { throw c.fail("padding \(x.shape) to \(shape) exceeds \(maximumElements) elements") }
        var y = x
        for axis in 0..<x.rank {
            let (low, high) = (before[axis], after[axis])
            if low < 0 || high < 0 {
                y = y.slice(alongAxis: axis, max(-low, 0)..<(y.shape[axis] - max(-high, 0)))
            }
            var parts: [Var] = []
            var side = y.shape
            if low > 0 { side[axis] = low; parts.append(Var(constant: Tensor(repeating: value, shape: side))) }
            parts.append(y)
            if high > 0 { side[axis] = high; parts.append(Var(constant: Tensor(repeating: value, shape: side))) }
            if parts.count > 1 { y = Var.concatenate(parts, alongAxis: axis) }
        }
        return y
    }

    /// Mean over axes (attribute before opset 18, constant input from 18); no axes means all
    /// axes unless `noop_with_empty_axes` is 1.
    @Sendable static func constant(_ c: NodeContext) throws -> [RuntimeValue] {
        guard c.node.attribute.count == 1, let attribute = c.node.attribute.first else {
            throw c.fail("needs exactly one attribute among value, value_float, value_floats, value_int, value_ints")
        }
        switch attribute.name {
        case "value":
            let directory = URL(fileURLWithPath: c.path).deletingLastPathComponent()
            let decoded = try TensorDecoder(path: c.path, directory: directory)
                .decode(attribute.t, what: "node '\(c.node.name)' (Constant) value")
            switch decoded {
            case .float(let tensor): return [.float(Var(constant: tensor))]
            case .integers(let integers): return [.integers(integers)]
            }
        case "value_float": return [.float(Var(constant: Tensor(attribute.f)))]
        case "value_floats": return [.float(Var(constant: Tensor(attribute.floats)))]
        case "value_int": return [.integers(IntegerTensor(shape: [], values: [attribute.i]))]
        case "value_ints": return [.integers(IntegerTensor(shape: [attribute.ints.count], values: attribute.ints))]
        default:
            throw c.fail("attribute '\(attribute.name)' is not supported; supported: value, value_float, value_floats, value_int, value_ints")
        }
    }
}
