import Foundation
import InvLabNN
import InvLabTensor
import Testing

@Suite("Losses")
struct LossTests {
    @Test("cross-entropy with positive and negative label smoothing")
    func crossEntropyValues() {
        let logits = Tensor(shape: [1, 3], scalars: [2, 0, -1])
        let logZ = log(exp(2.0) + 1 + exp(-1.0))
        let logP = [2 - logZ, -logZ, -1 - logZ]
        for s: Float in [0, 0.1, -0.05] {
            let target = [1 - Double(s) + Double(s) / 3, Double(s) / 3, Double(s) / 3]
            let expected = -zip(target, logP).map { $0 * $1 }.reduce(0, +)
            let value = crossEntropy(logits: Var(constant: logits), labels: [0], labelSmoothing: s).value.scalar
            #expect(abs(Double(value) - expected) < 1e-5, "smoothing \(s)")
        }
        // Negative smoothing: a target above 1 for the true class and below 0 for the others.
        let target = smoothedTargets(labels: [1], classes: 4, smoothing: -0.2)
        #expect(abs(target.scalars[1] - 1.15) < 1e-6 && abs(target.scalars[0] + 0.05) < 1e-6)
        #expect(abs(target.sum() - 1) < 1e-6)
    }

    @Test("Gaussian KL value and gradient match the closed form")
    func gaussianKL() {
        let mu = Tensor(shape: [2, 2], scalars: [0.5, -1, 0, 2])
        let logVar = Tensor(shape: [2, 2], scalars: [0, 0.3, -0.5, 1])
        let (value, grads) = valueWithGradient(at: [mu, logVar]) { v in gaussianKLDivergence(mean: v[0], logVariance: v[1]) }
        var expected: Float = 0
        for i in 0..<4 { expected += -0.5 * (1 + logVar.scalars[i] - mu.scalars[i] * mu.scalars[i] - exp(logVar.scalars[i])) }
        #expect(abs(value.scalar - expected / 2) < 1e-5)
        for i in 0..<4 {
            #expect(abs(grads[0].scalars[i] - mu.scalars[i] / 2) < 1e-6)
            #expect(abs(grads[1].scalars[i] - 0.5 * (exp(logVar.scalars[i]) - 1) / 2) < 1e-6)
        }
    }

    @Test func binaryCrossEntropyIsStable() {
        let logits = Tensor(shape: [3, 1], scalars: [100, -100, 0])
        let value = binaryCrossEntropy(logits: Var(constant: logits), targets: Tensor(shape: [3, 1], scalars: [1, 0, 1])).value.scalar
        #expect(abs(value - Float(log(2.0) / 3)) < 1e-5)
    }

    @Test func meanSquaredErrorIsPerSampleSum() {
        let value = meanSquaredError(Var(constant: Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])), Tensor(zeros: [2, 2])).value.scalar
        #expect(value == 15)
    }
}

@Suite("Loss gradients against finite differences")
struct LossGradientTests {
    func check(_ inputs: [Tensor], _ f: ([Var]) -> Var) {
        let (_, grads) = valueWithGradient(at: inputs) { f($0) }
        var generator = SeededGenerator(seed: 3)
        for i in inputs.indices {
            let direction = Tensor.normal(inputs[i].shape, generator: &generator)
            var plus = inputs, minus = inputs
            plus[i] = inputs[i] + direction * 1e-3
            minus[i] = inputs[i] - direction * 1e-3
            let numeric = (f(plus.map { Var(constant: $0) }).value.scalar - f(minus.map { Var(constant: $0) }).value.scalar) / 2e-3
            let analytic = (grads[i] * direction).sum()
            #expect(abs(numeric - analytic) <= 1e-2 * max(1, abs(analytic)), "input \(i): \(analytic) vs \(numeric)")
        }
    }

    @Test func losses() {
        var generator = SeededGenerator(seed: 1)
        let logits = Tensor.normal([4, 5], standardDeviation: 2, generator: &generator)
        for smoothing: Float in [0, 0.1, -0.05] {
            check([logits]) { crossEntropy(logits: $0[0], labels: [0, 3, 4, 1], labelSmoothing: smoothing) }
        }
        let targets = Tensor.uniform([4, 5], generator: &generator)
        check([logits]) { binaryCrossEntropy(logits: $0[0], targets: targets) }
        check([logits]) { meanSquaredError($0[0], targets) }
        let mu = Tensor.normal([3, 4], generator: &generator), logVar = Tensor.normal([3, 4], standardDeviation: 0.5, generator: &generator)
        check([mu, logVar]) { gaussianKLDivergence(mean: $0[0], logVariance: $0[1]) }
    }

    @Test("dropout zeroes about the rate in training, scales the rest, and is the identity in evaluation")
    func dropout() {
        let network = Network(Sequential([Dropout(0.25)]), inputShape: [1000], seed: 1)
        let x = Tensor(repeating: 1, shape: [4, 1000])
        let (training, _) = network.forward(Var(constant: x), parameters: [], mode: .training, generator: SeededGenerator(seed: 2))
        let zeros = training.value.scalars.filter { $0 == 0 }.count
        #expect(abs(Float(zeros) / 4000 - 0.25) < 0.03)
        #expect(training.value.scalars.allSatisfy { $0 == 0 || abs($0 - 1 / 0.75) < 1e-6 })
        #expect(network.predict(x) == x)
    }
}
