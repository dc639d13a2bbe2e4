import InvLabTensor

/// Slice (inputs, as from opset 10): a strided window of a float tensor of any rank (gradients flow back into
/// the window), or of an integer vector (shape arithmetic, e.g. the batch size out of `Shape`).
enum SliceOps {
    /// `starts`, `ends`, optional `axes` and `steps` are constant integer vectors. Negative starts
    /// and ends count from the end, and both are clamped to the axis, as ONNX says. Steps must be
    /// positive; an empty result is refused (the engine has no empty tensors).
    @Sendable static func slice(_ c: NodeContext) throws -> [RuntimeValue] {
        guard let value = c.optional(0) else { throw c.fail("input 0 is missing") }
        guard let starts = try c.optionalIntegers(1), let ends = try c.optionalIntegers(2) else {
            throw c.fail("inputs 1 (starts) and 2 (ends) must be given")
        }
        let count = starts.values.count
        let axesGiven = try c.optionalIntegers(3), stepsGiven = try c.optionalIntegers(4)
        for (name, vector) in [("starts", starts), ("ends", ends), ("axes", axesGiven), ("steps", stepsGiven)] {
            guard let vector else { continue }
            guard vector.shape.count == 1, vector.values.count == count, count <= 64 else {
                throw c.fail("\(name) must be a vector of \(count) values (as many as starts, at most 64), got shape \(vector.shape)")
            }
        }
        let shape = value.shape
        let axes = try (axesGiven?.values ?? (0..<count).map(Int64.init)).map { raw -> Int in
            guard let axis = Int(exactly: raw), abs(axis) <= 64 else { throw c.fail("axis \(raw) is out of range for rank \(shape.count)") }
            return try c.axis(axis, rank: shape.count)
        }
        guard Set(axes).count == axes.count else { throw c.fail("axes \(axes) repeat an axis") }
        let steps = stepsGiven?.values ?? [Int64](repeating: 1, count: count)
        var windows: [(axis: Int, range: Range<Int>, step: Int)] = []
        for i in 0..<count {
            let (axis, step) = (axes[i], steps[i])
            guard step >= 1 else {
                throw c.fail("step \(step) on axis \(axis) is not supported; supported: positive steps")
            }
            let size = Int64(shape[axis])
            func clamped(_ index: Int64) -> Int {
                let counted = index < 0 ? (index < -size ? 0 : index + size) : index
                return Int(Swift.min(Swift.max(counted, 0), size))
            }
            let (start, end) = (clamped(starts.values[i]), clamped(ends.values[i]))
            guard start < end else {
                throw c.fail("the slice of axis \(axis) (start \(starts.values[i]), end \(ends.values[i]), size \(size)) is empty, which is not supported")
            }
            windows.append((axis, start..<end, Int(Swift.min(step, size))))
        }
        switch value {
        case .float(var x):
            for window in windows {
                x = x.slice(alongAxis: window.axis, window.range)
                if window.step > 1 { x = try ConvolutionOps.subsampled(x, axis: window.axis, step: window.step, c) }
            }
            return [.float(x)]
        case .integers(let integers):
            guard shape.count == 1, let window = windows.first else {
                throw c.fail("integer data must be a vector (shape arithmetic), got shape \(shape)")
            }
            let values = Array(integers.values[window.range]).enumerated().filter { $0.offset % window.step == 0 }.map(\.element)
            return [.integers(IntegerTensor(shape: [values.count], values: values))]
        }
    }
}

extension SliceOps {
    /// Split (opsets 11-23) of a float tensor along `axis` into the node's outputs: by the sizes
    /// in `split` (an attribute before opset 13, a constant input from 13), else into equal
    /// parts, the last one smaller when the axis does not divide (opset 18's `num_outputs`).
    /// Every part must be non-empty; gradients flow back into each part's window.
    @Sendable static func split(_ c: NodeContext) throws -> [RuntimeValue] {
        let x = try c.float(0)
        guard x.rank >= 1 else { throw c.fail("needs an input of rank 1 or more, got a scalar") }
        let axis = try c.axis(try c.int("axis", default: 0), rank: x.rank)
        let size = x.shape[axis]
        let outputs = c.node.output.count
        guard outputs >= 1, outputs <= 1024 else { throw c.fail("needs between 1 and 1024 outputs, the node has \(outputs)") }
        let given: [Int]? = c.opset >= 13
            ? try c.optionalIntegers(1).map { $0.values.map { Int(clamping: $0) } }
            : try c.ints("split")
        var sizes: [Int]
        if let given {
            guard given.count == outputs, given.allSatisfy({ $0 >= 1 }), given.reduce(0, +) == size else {
                throw c.fail("split \(given) must give \(outputs) positive sizes adding up to axis \(axis)'s \(size)")
            }
            sizes = given
        } else {
            if c.opset >= 18, case let parts = try c.int("num_outputs", default: outputs), parts != outputs {
                throw c.fail("num_outputs \(parts) differs from the node's \(outputs) outputs")
            }
            let part = (size + outputs - 1) / outputs
            sizes = (0..<outputs).map { Swift.max(0, Swift.min(part, size - $0 * part)) }
            guard sizes.allSatisfy({ $0 >= 1 }), c.opset >= 18 || size % outputs == 0 else {
                throw c.fail("axis \(axis) of size \(size) does not split into \(outputs) equal non-empty parts")
            }
        }
        var start = 0
        return sizes.map { length in
            defer { start += length }
            return .float(x.slice(alongAxis: axis, start..<(start + length)))
        }
    }
}
