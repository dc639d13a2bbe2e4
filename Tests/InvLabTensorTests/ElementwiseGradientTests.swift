import InvLabTensor
import Testing

@Suite("Elementwise and activation gradients")
struct ElementwiseGradientTests {
    let check = GradientCheck()

    @Test("broadcast arithmetic", arguments: [
        ([2, 3, 4], [2, 3, 4]), ([2, 3, 4], [4]), ([2, 1, 4], [3, 1]), ([1], [2, 3]), ([2, 3, 1, 1], [1, 3, 2, 2]),
    ])
    func arithmetic(shapes: ([Int], [Int])) {
        let a = randomTensor(shapes.0, seed: 1)
        let b = randomTensor(shapes.1, seed: 2, low: 0.5, high: 2)
        check.check([a, b]) { $0[0] + $0[1] }
        check.check([a, b]) { $0[0] - $0[1] }
        check.check([a, b]) { $0[0] * $0[1] }
        check.check([a, b]) { $0[0] / $0[1] }
    }

    @Test("ReLU passes the gradient where its output is positive, in the eight-lane body and the tail; elsewhere 0, even a NaN gradient")
    func reluGradientMask() {
        let x = Tensor((0..<21).map { Float($0 % 3 == 0 ? -$0 : $0) - 0.5 })
        let g = Tensor((0..<21).map { $0 % 3 == 0 ? Float.nan : Float($0) })
        let tape = Tape()
        let input = tape.variable(x)
        let gradient = tape.gradients(of: input.relu(), seed: g, withRespectTo: [input])[0]
        let expected = (0..<21).map { x.scalars[$0] > 0 ? g.scalars[$0] : 0 }
        #expect(gradient.scalars == expected)
        let sum = (Tensor(shape: [3, 7], scalars: x.scalars) + Tensor(shape: [3, 7], scalars: g.scalars.map { $0.isNaN ? 1 : $0 }))
        #expect(sum.scalars == (0..<21).map { x.scalars[$0] + (g.scalars[$0].isNaN ? 1 : g.scalars[$0]) })
    }

    @Test func scalarArithmetic() {
        let a = randomTensor([3, 5], seed: 3)
        check.check([a]) { (2 - $0[0] * 3 + 1) / 4 }
        check.check([a]) { -$0[0] }
    }

    @Test func unaryFunctions() {
        let a = randomTensor([4, 6], seed: 4)
        let positive = randomTensor([4, 6], seed: 5, low: 0.5, high: 2)
        check.check([a]) { $0[0].squared() }
        check.check([positive]) { $0[0].sqrt() }
        check.check([a]) { $0[0].exp() }
        check.check([positive]) { $0[0].log() }
        check.check([positive]) { $0[0].pow(1.5) }
        check.check([a * 3]) { $0[0].abs() }
        check.check([a * 3]) { $0[0].clamped(to: -1...1) }
    }

    @Test func activations() {
        let a = randomTensor([4, 7], seed: 6, low: -3, high: 3)
        check.check([a]) { $0[0].relu() }
        check.check([a]) { $0[0].leakyRelu(slope: 0.1) }
        check.check([a]) { $0[0].tanh() }
        check.check([a]) { $0[0].sigmoid() }
        check.check([a]) { $0[0].softplus() }
        check.check([a]) { $0[0].softmax() }
        check.check([a]) { $0[0].logSoftmax() }
    }

    @Test("softmax stays exact when saturated")
    func saturatedSoftmax() {
        let logits = Tensor(shape: [2, 3], scalars: [100, 0, -100, 30, 31, -50])
        let y = Var(constant: logits).softmax().value
        #expect(y.isFinite)
        #expect(abs(y[0, 0] - 1) < 1e-6)
        let logY = Var(constant: logits).logSoftmax().value
        #expect(logY.isFinite)
        #expect(abs(logY[0, 2] - (-200)) < 1e-3)
        // Gradients in the saturated regime are finite and match finite differences.
        GradientCheck(epsilon: 1e-2, tolerance: 2e-2).check([logits]) { $0[0].logSoftmax() }
        GradientCheck(epsilon: 1e-2, tolerance: 2e-2).check([logits]) { $0[0].softmax() }
        let (_, g) = valueWithGradient(at: logits) { ($0.softmax() - Tensor(shape: [2, 3], scalars: [0, 1, 0, 1, 0, 0])).squared().sum() }
        #expect(g.isFinite)
    }

    @Test("total variation primitive equals its composite definition", arguments: [false, true])
    func totalVariation(isotropic: Bool) {
        let x = randomTensor([2, 2, 5, 4], seed: 17)
        let composite: (Var) -> Var = { x in
            let dv = x.slice(alongAxis: 2, 1..<5) - x.slice(alongAxis: 2, 0..<4)
            let dh = x.slice(alongAxis: 3, 1..<4) - x.slice(alongAxis: 3, 0..<3)
            if isotropic {
                return (dv.slice(alongAxis: 3, 0..<3).squared() + dh.slice(alongAxis: 2, 0..<4).squared() + 1e-4).sqrt().sumPerSample()
            }
            return (dv.squared() + 1e-4).sqrt().sumPerSample() + (dh.squared() + 1e-4).sqrt().sumPerSample()
        }
        let reference = composite(Var(constant: x)).value
        let value = Var(constant: x).totalVariation(isotropic: isotropic, epsilon: 1e-4).value
        for (a, b) in zip(value.scalars, reference.scalars) { #expect(abs(a - b) < 1e-4) }
        let seed = Tensor([0.7, 1.3])
        let (t1, t2) = (Tape(), Tape())
        let (v1, v2) = (t1.variable(x), t2.variable(x))
        let g1 = t1.gradients(of: composite(v1), seed: seed, withRespectTo: [v1])[0]
        let g2 = t2.gradients(of: v2.totalVariation(isotropic: isotropic, epsilon: 1e-4), seed: seed, withRespectTo: [v2])[0]
        for (a, b) in zip(g2.scalars, g1.scalars) { #expect(abs(a - b) < 1e-4) }
        check.check([x]) { $0[0].totalVariation(isotropic: isotropic, epsilon: 1e-2) }
    }

    @Test func reductions() {
        let a = randomTensor([2, 3, 4], seed: 8)
        check.check([a]) { $0[0].sum() }
        check.check([a]) { $0[0].mean() }
        check.check([a]) { $0[0].sum(alongAxes: [1]) }
        check.check([a]) { $0[0].sum(alongAxes: [0, 2], keepingDimensions: true) }
        check.check([a]) { $0[0].mean(alongAxes: [2]) }
        check.check([a]) { $0[0].sumPerSample() }
    }

    @Test func shaping() {
        let a = randomTensor([2, 3, 4], seed: 9)
        let b = randomTensor([2, 2, 4], seed: 10)
        check.check([a]) { $0[0].reshaped([6, 4]) }
        check.check([a]) { $0[0].permuted([2, 0, 1]) }
        check.check([a]) { $0[0].slice(alongAxis: 1, 1..<3) }
        check.check([a, b]) { Var.concatenate([$0[0], $0[1]], alongAxis: 1) }
        check.check([a]) { $0[0].gathering(rows: [1, 0, 1]) }
    }

    @Test("matmul in every transpose combination", arguments: [false, true], [false, true])
    func matmul(transposeA: Bool, transposeB: Bool) {
        let a = randomTensor(transposeA ? [4, 3] : [3, 4], seed: 11)
        let b = randomTensor(transposeB ? [5, 4] : [4, 5], seed: 12)
        check.check([a, b]) { Var.matmul($0[0], $0[1], transposeA: transposeA, transposeB: transposeB) }
    }

    @Test func linear() {
        let x = randomTensor([3, 4], seed: 13), w = randomTensor([2, 4], seed: 14), b = randomTensor([2], seed: 15)
        check.check([x, w, b]) { Var.linear($0[0], weight: $0[1], bias: $0[2]) }
    }
}
