import Foundation
@testable import InvLabONNX
import InvLabTensor
import Testing

/// MaxPool and AveragePool with the windows PyTorch does not export: rectangular kernels,
/// unequal strides, asymmetric pads, dilation, ceil_mode with count_include_pad. Values worked
/// out by hand, gradients against finite differences, and the refusal of a window that holds no
/// input element. (onnxruntime's values for more settings: `ONNXExecutorReferenceTests`.)
@Suite("ONNX pooling: rectangular, strided, asymmetrically padded and dilated windows")
struct ONNXPoolingTests {
    static let input = Tensor(shape: [1, 1, 3, 4], scalars: (0..<12).map { Float($0) })

    static func pool(_ op: String, _ attributes: [Onnx_AttributeProto], _ x: Tensor = input, opset: Int64 = 17) throws -> Tensor {
        try ONNXOperatorValueTests.run({ $0.node(op, ["x"], ["y"], name: "pool", attributes) }, x, opset: opset)
    }

    /// Kernel 2 x 3, strides 1 and 2, one row of padding on top and one column on the right.
    static let rectangular = [ModelBuilder.attribute("kernel_shape", ints: [2, 3]), ModelBuilder.attribute("strides", ints: [1, 2]),
                              ModelBuilder.attribute("pads", ints: [1, 0, 0, 1])]

    @Test("MaxPool with a 2 x 3 kernel, strides 1 and 2 and pads top 1, right 1 takes each window's largest input element")
    func maxPoolRectangular() throws {
        // x = 0...11 in 3 rows of 4. Windows: rows {-1, 0}, {0, 1}, {1, 2}; columns {0, 1, 2}, {2, 3, pad}.
        #expect(try Self.pool("MaxPool", Self.rectangular) == Tensor(shape: [1, 1, 3, 2], scalars: [2, 3, 6, 7, 10, 11]))
    }

    @Test("AveragePool with the same window divides by the inputs inside (count_include_pad 0) or by the whole window (1)")
    func averagePoolRectangular() throws {
        let inside = try Self.pool("AveragePool", Self.rectangular)
        #expect(ONNXOperatorValueTests.close(inside, Tensor(shape: [1, 1, 3, 2], scalars: [1, 2.5, 3, 4.5, 7, 8.5])))
        let whole = try Self.pool("AveragePool", Self.rectangular + [ModelBuilder.attribute("count_include_pad", int: 1)])
        #expect(ONNXOperatorValueTests.close(whole, Tensor(shape: [1, 1, 3, 2], scalars: [3.0 / 6, 5.0 / 6, 3, 3, 7, 34.0 / 6])))
    }

    @Test("MaxPool with dilations 1 and 2 compares columns two apart; AveragePool (opset 19) averages the same taps")
    func dilated() throws {
        let attributes = [ModelBuilder.attribute("kernel_shape", ints: [1, 2]), ModelBuilder.attribute("dilations", ints: [1, 2])]
        // Taps at columns (0, 2) and (1, 3) of each row.
        #expect(try Self.pool("MaxPool", attributes) == Tensor(shape: [1, 1, 3, 2], scalars: [2, 3, 6, 7, 10, 11]))
        let average = try Self.pool("AveragePool", attributes, opset: 19)
        #expect(ONNXOperatorValueTests.close(average, Tensor(shape: [1, 1, 3, 2], scalars: [1, 2, 5, 6, 9, 10])))
    }

    @Test("AveragePool with ceil_mode adds a partial last window, averaged over its inputs only")
    func averageCeil() throws {
        let attributes = [ModelBuilder.attribute("kernel_shape", ints: [2, 2]), ModelBuilder.attribute("strides", ints: [2, 3]),
                          ModelBuilder.attribute("ceil_mode", int: 1)]
        // Rows {0, 1} and {2}; columns {0, 1} and {3}.
        let y = try Self.pool("AveragePool", attributes)
        #expect(ONNXOperatorValueTests.close(y, Tensor(shape: [1, 1, 2, 2], scalars: [2.5, 5, 8.5, 11])))
        let whole = try Self.pool("AveragePool", attributes + [ModelBuilder.attribute("count_include_pad", int: 1)])
        #expect(ONNXOperatorValueTests.close(whole, Tensor(shape: [1, 1, 2, 2], scalars: [2.5, 5, 8.5, 11])),
                "ceil_mode's extra positions are not padding, so count_include_pad does not count them")
    }

    @Test("A window lying wholly in the padding is refused with the geometry")
    func emptyWindow() throws {
        let attributes = [ModelBuilder.attribute("kernel_shape", ints: [2, 2]), ModelBuilder.attribute("pads", ints: [2, 0, 0, 0])]
        #expect(onnxErrorMessage { try Self.pool("MaxPool", attributes) } ==
            "test.onnx: node 'pool' (MaxPool, opset 17): pooling window 0 along the height holds no input element "
            + "(pads 2 and 0, kernel 2, dilation 1) (input [1, 1, 3, 4], kernel_shape [2, 2], strides [1, 1], pads [2, 0, 0, 0], dilations [1, 1])")
        #expect(onnxErrorMessage { try Self.pool("MaxPool", [ModelBuilder.attribute("kernel_shape", ints: [2, 2048])]) } ==
            "test.onnx: node 'pool' (MaxPool, opset 17): kernel_shape [2, 2048] is not supported; supported: two sides of 1...1024")
    }

    /// Distinct inputs 0.1 apart (shuffled), so that no finite-difference step changes a window's winner.
    static func spaced(_ shape: [Int], seed: UInt64) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        var values = (0..<shape.reduce(1, *)).map { Float($0) * 0.1 - 1 }
        for i in stride(from: values.count - 1, to: 0, by: -1) { values.swapAt(i, generator.nextInt(below: i + 1)) }
        return Tensor(shape: shape, scalars: values)
    }

    @Test("Gradients of MaxPool (dilated, asymmetric pads, ceil_mode) and AveragePool (rectangular, count_include_pad 0) match finite differences")
    func gradients() throws {
        var b = ModelBuilder()
        b.node("MaxPool", ["x"], ["m"], [
            ModelBuilder.attribute("kernel_shape", ints: [3, 2]), ModelBuilder.attribute("strides", ints: [2, 1]),
            ModelBuilder.attribute("pads", ints: [0, 1, 2, 0]), ModelBuilder.attribute("dilations", ints: [1, 2]),
            ModelBuilder.attribute("ceil_mode", int: 1),
        ])
        b.node("AveragePool", ["m"], ["y"], [
            ModelBuilder.attribute("kernel_shape", ints: [2, 3]), ModelBuilder.attribute("strides", ints: [1, 2]),
            ModelBuilder.attribute("pads", ints: [1, 0, 0, 2]),
        ])
        let model = try b.load()
        let x = Self.spaced([2, 2, 7, 6], seed: 21)
        let error = try ONNXGradientTests.worstError(model, input: x, weights: [], epsilon: 1e-3)
        #expect(error < 2e-2, "worst relative error \(error)")
    }

    @Test("The 2 x 2 fast path and the general loop give the same values and winners")
    func squareMatchesGeneral() throws {
        let x = Self.spaced([2, 3, 6, 8], seed: 4)
        let square = Tensor.maxPool2d(x, kernel: 2)
        // Trailing pads that add no window (6 + 1 rows give the same 3 windows) take the general loop.
        let general = Tensor.maxPool2d(x, window: PoolWindow(kernel: [2, 2], strides: [2, 2], pads: [0, 0, 1, 1]))
        #expect(square.output == general.output)
        #expect(square.argmax == general.argmax)
    }
}
