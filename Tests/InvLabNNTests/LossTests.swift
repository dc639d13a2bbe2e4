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
