import Foundation
@testable import InvLabONNX
import InvLabTensor
import Testing

/// Every operator, fed random operands (floats and integers of random small shapes, empty ones
/// included) and random attributes, either runs or throws an `ONNXError`: a trap would end the
/// test process. This is what a hostile file can do once it has passed the loader.
@Suite("ONNX operators: random operands and attributes never trap")
struct ONNXRandomGraphTests {
    static let intAttributes = ["axis", "transA", "transB", "group", "keepdims", "training_mode", "ceil_mode",
                                "count_include_pad", "storage_order", "allowzero", "start", "end", "noop_with_empty_axes"]
    static let intsAttributes = ["strides", "pads", "dilations", "kernel_shape", "perm", "axes"]
    static let floatAttributes = ["alpha", "beta", "epsilon"]

    static func randomShape(_ g: inout SeededGenerator) -> [Int] {
        (0..<g.nextInt(below: 5)).map { _ in g.nextInt(below: 10) < 1 ? 0 : 1 + g.nextInt(below: 4) }
    }

    /// Small integers, now and then an extreme one.
    static func randomInt(_ g: inout SeededGenerator) -> Int64 {
        let extremes: [Int64] = [.min, .max, 1 << 40, -(1 << 40), 1 << 31, 65_537]
        return g.nextInt(below: 40) == 0 ? extremes[g.nextInt(below: extremes.count)] : Int64(g.nextInt(below: 10)) - 3
    }

    static func randomInts(_ g: inout SeededGenerator) -> [Int64] {
        (0..<g.nextInt(below: 6)).map { _ in randomInt(&g) }
    }

    @Test("Each operator on random operands and attributes returns a value or an ONNXError")
    func randomNodes() {
        var g = SeededGenerator(seed: 2024)
        var outcomes = (ran: 0, refused: 0)
        for trial in 0..<4000 {
            let op = ONNXOperators.all[trial % ONNXOperators.all.count]
            var b = ModelBuilder()
            b.opset = [13, 17, 18, 20][g.nextInt(below: 4)]
            var inputs = ["x"]
            for index in 1..<(1 + g.nextInt(below: 5)) {
                let name = "in\(index)"
                if g.nextInt(below: 2) == 0 {
                    let shape = Self.randomShape(&g)
                    b.floats(name, shape, (0..<shape.reduce(1, *)).map { _ in Float(g.nextInt(below: 7)) - 3 })
                } else {
                    b.integers(name, Self.randomInts(&g))
                }
                inputs.append(g.nextInt(below: 8) == 0 ? "" : name)
            }
            var attributes: [Onnx_AttributeProto] = []
            for name in Self.intAttributes where g.nextInt(below: 6) == 0 {
                attributes.append(ModelBuilder.attribute(name, int: Self.randomInt(&g)))
            }
            for name in Self.intsAttributes where g.nextInt(below: 4) == 0 {
                attributes.append(ModelBuilder.attribute(name, ints: Self.randomInts(&g)))
            }
            for name in Self.floatAttributes where g.nextInt(below: 6) == 0 {
                attributes.append(ModelBuilder.attribute(name, float: Float(g.nextInt(below: 7)) - 3))
            }
            b.node(op.name, inputs, ["y"], name: "n\(trial)", attributes)
            let xShape = Self.randomShape(&g)
            let x = Tensor(shape: xShape, scalars: (0..<xShape.reduce(1, *)).map { _ in Float(g.nextInt(below: 7)) - 3 })
            do {
                let model = try b.load()
                _ = try valueWithGradient(at: x) { try model($0).sum() }
                outcomes.ran += 1
            } catch is ONNXError {
                outcomes.refused += 1
            } catch {
                Issue.record("\(op.name): not an ONNXError: \(error)")
            }
        }
        print("random nodes: \(outcomes.ran) ran, \(outcomes.refused) refused")
        #expect(outcomes.ran > 200 && outcomes.refused > 200)
    }
}
