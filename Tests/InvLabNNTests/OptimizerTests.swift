import Foundation
import InvLabNN
import InvLabTensor
import Testing

/// Optimizer steps on f(w) = 1/2 * a * w^2 (gradient a * w) against their closed forms.
@Suite("Optimizers")
struct OptimizerTests {
    let a: Float = 2

    func run(_ optimizer: inout some Optimizer, from w0: Float, steps: Int) -> [Float] {
        var w = [Tensor([w0])]
        var trace: [Float] = []
        for _ in 0..<steps {
            optimizer.update(&w, gradients: [w[0] * a])
            trace.append(w[0].scalars[0])
        }
        return trace
    }

    @Test func gradientDescent() {
        var sgd = SGD(learningRate: 0.1)
        let trace = run(&sgd, from: 1, steps: 3)
        // w_{t+1} = (1 - lr a) w_t
        for (t, w) in trace.enumerated() { #expect(abs(w - Float(pow(0.8, Double(t + 1)))) < 1e-6) }
    }

    @Test func momentum() {
        var sgd = SGD(learningRate: 0.1, momentum: 0.9)
        let trace = run(&sgd, from: 1, steps: 3)
        // v1 = g0 = 2, w1 = 0.8; v2 = 0.9*2 + 1.6 = 3.4, w2 = 0.46; v3 = 3.06 + 0.92 = 3.98, w3 = 0.062
        #expect(abs(trace[0] - 0.8) < 1e-6)
        #expect(abs(trace[1] - 0.46) < 1e-6)
        #expect(abs(trace[2] - 0.062) < 1e-5)
    }

    @Test func nesterov() {
        var sgd = SGD(learningRate: 0.1, momentum: 0.9, nesterov: true)
        let trace = run(&sgd, from: 1, steps: 2)
        // step1: g=2, v=2, update g + 0.9 v = 3.8 -> w = 0.62; step2: g = 1.24, v = 1.8 + 1.24 = 3.04, update = 1.24 + 2.736 = 3.976 -> w = 0.2224
        #expect(abs(trace[0] - 0.62) < 1e-6)
        #expect(abs(trace[1] - 0.2224) < 1e-5)
    }

    @Test func weightDecay() {
        var sgd = SGD(learningRate: 0.1, weightDecay: 0.5)
        let trace = run(&sgd, from: 1, steps: 1)
        #expect(abs(trace[0] - (1 - 0.1 * (2 + 0.5))) < 1e-6)
    }

    @Test func adam() {
        var adam = Adam(learningRate: 0.01)
        let trace = run(&adam, from: 1, steps: 2)
        // Bias correction makes the first step exactly lr * sign(g) (up to epsilon).
        #expect(abs(trace[0] - 0.99) < 1e-6)
        // Second step: g = 1.98; m = 0.1*2*0.9 + 0.1*1.98 ... closed form computed in Double.
        let g1 = 2.0, g2 = 1.98
        let m = 0.9 * (0.1 * g1) + 0.1 * g2, v = 0.999 * (0.001 * g1 * g1) + 0.001 * g2 * g2
        let mhat = m / (1 - 0.81), vhat = v / (1 - 0.998001)
        let expected = 0.99 - 0.01 * mhat / (vhat.squareRoot() + 1e-8)
        #expect(abs(Double(trace[1]) - expected) < 1e-6)
    }

    @Test func signGradient() {
        var sign = SignGradient(learningRate: 0.25)
        #expect(run(&sign, from: 1, steps: 2) == [0.75, 0.5])
        var w = [Tensor([0, 1, -1])]
        sign.update(&w, gradients: [Tensor([0, -3, 5])])
        #expect(w[0].scalars == [0, 1.25, -1.25])
    }

    @Test func schedules() {
        #expect(LearningRateSchedule.constant.rate(base: 0.1, step: 50) == 0.1)
        #expect(abs(LearningRateSchedule.step(every: 10, factor: 0.5).rate(base: 0.1, step: 25) - 0.025) < 1e-7)
        #expect(abs(LearningRateSchedule.exponential(factor: 0.9).rate(base: 1, step: 2) - 0.81) < 1e-6)
        let cosine = LearningRateSchedule.cosine(total: 100, minimum: 0.01)
        #expect(cosine.rate(base: 0.1, step: 0) == 0.1)
        #expect(abs(cosine.rate(base: 0.1, step: 50) - 0.055) < 1e-6)
        #expect(abs(cosine.rate(base: 0.1, step: 100) - 0.01) < 1e-6)
    }
}
