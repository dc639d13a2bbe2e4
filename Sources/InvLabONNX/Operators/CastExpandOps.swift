import InvLabTensor

/// Cast, CastLike and Expand: what PyTorch's dynamo exporter (`torch.onnx.export(..., dynamo=True)`,
/// the default since torch 2.9) emits without its graph optimiser (`optimize=False`), e.g. a zero
/// convolution bias as `Expand(CastLike(0, x), Shape(weight)[:1])` and `torch.scalar_tensor` as a
/// Cast of an INT64 constant. The engine computes in float32, so the float types map to `Float`
/// tensors and the integer types to exact `IntegerTensor`s; other types are refused.
enum CastExpandOps {
    /// ONNX `TensorProto.DataType` codes of the types a cast may produce.
    static let floatTypes: Set<Int> = [1, 11]  // FLOAT, DOUBLE (computed in float32)
    static let integerTypes: Set<Int> = [6, 7]  // INT32, INT64

    /// Cast to the type `to`: float to float passes the value and its gradient on (as PyTorch's
    /// `.float()`); integers to float become constants; float to integer truncates toward zero
    /// and carries no gradient (as PyTorch's `.long()`).
    @Sendable static func cast(_ c: NodeContext) throws -> [RuntimeValue] {
        guard c.attribute("to") != nil else { throw c.fail("attribute 'to' is missing") }
        let to = try c.int("to", default: 1)
        if floatTypes.contains(to) { return [.float(try c.float(0))] }
        if integerTypes.contains(to) { return [.integers(try integers(c, width32: to == 6))] }
        let name = Onnx_TensorProto.DataType(rawValue: to).map(TensorDecoder.typeName) ?? "\(to)"
        throw c.fail("cast to \(name) (\(to)) is not supported; supported: FLOAT, DOUBLE (computed in float32), INT32, INT64")
    }

    /// Cast input 0 to the type of input 1: a float tensor or an integer one.
    @Sendable static func castLike(_ c: NodeContext) throws -> [RuntimeValue] {
        switch c.optional(1) {
        case nil: throw c.fail("input 1 (target_type) is missing")
        case .float: return [.float(try c.float(0))]
        case .integers: return [.integers(try integers(c, width32: false))]
        }
    }

    /// Input 0 as integers; floats are truncated toward zero and must be finite and fit the type.
    static func integers(_ c: NodeContext, width32: Bool) throws -> IntegerTensor {
        let range: ClosedRange<Double> = width32 ? Double(Int32.min)...Double(Int32.max) : -9.2e18...9.2e18
        switch c.optional(0) {
        case nil: throw c.fail("input 0 is missing")
        case .integers(let integers):
            if width32, let bad = integers.values.first(where: { Int32(exactly: $0) == nil }) {
                throw c.fail("value \(bad) does not fit INT32")
            }
            return integers
        case .float(let x):
            let values = try x.value.scalars.map { value -> Int64 in
                guard value.isFinite, range.contains(Double(value)) else {
                    throw c.fail("value \(value) cannot be cast to \(width32 ? "INT32" : "INT64")")
                }
                return Int64(value.rounded(.towardZero))
            }
            return IntegerTensor(shape: x.shape, values: values)
        }
    }

    /// Broadcasts input 0 to the constant shape of input 1 (NumPy rules in both directions, so a
    /// 1 in the shape keeps the input's dimension). A float input is added to zeros of the result's
    /// shape, so that its gradient is the engine's broadcast sum.
    @Sendable static func expand(_ c: NodeContext) throws -> [RuntimeValue] {
        guard let value = c.optional(0) else { throw c.fail("input 0 is missing") }
        guard let target = try c.optionalIntegers(1) else { throw c.fail("input 1 (shape) is missing") }
        guard target.shape.count == 1, target.values.count <= 64, target.values.allSatisfy({ (1...Int64(ShapeOps.maximumElements)).contains($0) }) else {
            throw c.fail("shape \(target.values.prefix(8)) is not supported; supported: a vector of at most 64 dimensions in 1...\(ShapeOps.maximumElements)")
        }
        let dims = target.values.map { Int($0) }
        guard let shape = Broadcasting.shape(value.shape, dims) else {
            throw c.fail("input of shape \(value.shape) does not broadcast with shape \(dims)")
        }
        guard ShapeOps.product(shape) <= ShapeOps.maximumElements else {
            throw c.fail("expanding \(value.shape) to \(shape) exceeds \(ShapeOps.maximumElements) elements")
        }
        switch value {
        case .float(let x):
            return [.float(shape == x.shape ? x : x + Var(constant: Tensor(zeros: shape)))]
        case .integers(let integers):
            return [.integers(broadcast(integers, to: shape))]
        }
    }

    /// An integer tensor repeated along its unit (or missing leading) axes to `shape`.
    static func broadcast(_ x: IntegerTensor, to shape: [Int]) -> IntegerTensor {
        let source = [Int](repeating: 1, count: shape.count - x.shape.count) + x.shape
        var strides = [Int](repeating: 0, count: shape.count)
        var stride = 1
        for axis in source.indices.reversed() {
            strides[axis] = source[axis] == 1 ? 0 : stride
            stride *= source[axis]
        }
        let count = ShapeOps.product(shape)
        var values = [Int64]()
        values.reserveCapacity(count)
        for index in 0..<count {
            var rest = index, offset = 0
            for axis in shape.indices.reversed() {
                offset += (rest % shape[axis]) * strides[axis]
                rest /= shape[axis]
            }
            values.append(x.values[offset])
        }
        return IntegerTensor(shape: shape, values: values)
    }
}
