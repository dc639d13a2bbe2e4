import Foundation
import InvLabAttacks
import InvLabCore
import InvLabTensor
import InvLabTestSupport
import Testing

/// Values and gradients of the identity losses on hand-computed cases.
@Suite struct IdentityLossTests {
    /// Loss values and the gradients with respect to (probabilities, logits) of one row.
    static func evaluate(_ loss: IdentityLoss, probabilities: [Float], logits: [Float]?, target: Int)
        -> (value: Float, probabilities: [Float], logits: [Float]) {
        let p = Tensor(shape: [1, probabilities.count], scalars: probabilities)
        let z = Tensor(shape: [1, probabilities.count], scalars: logits ?? probabilities)
        let (value, gradients) = valueWithGradient(at: [p, z]) { v in
            loss.perImage(ModelOutput(probabilities: v[0], logits: logits == nil ? nil : v[1]), targets: [target])
        }
        return (value.scalars[0], gradients[0].scalars, gradients[1].scalars)
    }


    @Test func squaredErrorIsTheArticlesDistanceToTheOneHotTarget() {
        // ||(0.7, 0.2, 0.1) - (1, 0, 0)||^2 = 0.09 + 0.04 + 0.01; gradient 2 (p - t).
        let r = Self.evaluate(.squaredError, probabilities: [0.7, 0.2, 0.1], logits: nil, target: 0)
        #expect(abs(r.value - 0.14) < 1e-6)
        expectClose(r.probabilities, [-0.6, 0.4, 0.2] as [Float])
    }

    @Test func oneMinusConfidenceIsFredriksonsCost() {
        let r = Self.evaluate(.oneMinusConfidence, probabilities: [0.7, 0.2, 0.1], logits: nil, target: 1)
        #expect(abs(r.value - 0.8) < 1e-6)
        expectClose(r.probabilities, [0, -1, 0] as [Float])
    }

    @Test func crossEntropyUsesTheLogitsWhenPublished() {
        // softmax(2, 1, 0) = (0.66524, 0.24473, 0.09003); -log 0.66524 = 0.40761; gradient p - t.
        let r = Self.evaluate(.crossEntropy, probabilities: [0.5, 0.3, 0.2], logits: [2, 1, 0], target: 0)
        #expect(abs(r.value - 0.40761) < 1e-4)
        expectClose(r.logits, [-0.33476, 0.24473, 0.09003] as [Float])
        expectClose(r.probabilities, [0, 0, 0] as [Float], "the published probabilities are not used when logits exist")
    }

    @Test func crossEntropyFallsBackToLogProbabilities() {
        // -log 0.7; d/dp of -(log p_0 - log sum p) = (-1/0.7 + 1, 1, 1) at sum p = 1.
        let r = Self.evaluate(.crossEntropy, probabilities: [0.7, 0.2, 0.1], logits: nil, target: 0)
        #expect(abs(r.value - 0.356675) < 1e-5)
        expectClose(r.probabilities, [1 - 1 / 0.7, 1, 1] as [Float])
    }

    @Test func logitMarginIsTheLargestOtherLogitMinusTheTargetLogit() {
        let toFirst = Self.evaluate(.logitMargin, probabilities: [0.5, 0.3, 0.2], logits: [2, 1, 0], target: 0)
        #expect(toFirst.value == -1)
        expectClose(toFirst.logits, [-1, 1, 0] as [Float])
        let toLast = Self.evaluate(.logitMargin, probabilities: [0.5, 0.3, 0.2], logits: [2, 1, 0], target: 2)
        #expect(toLast.value == 2)
        expectClose(toLast.logits, [1, 0, -1] as [Float])
    }

    @Test func logitMarginOnProbabilitiesUsesLogProbabilities() {
        // log 0.2 - log 0.5 for target 0 of (0.2, 0.5, 0.3); gradient (-1/0.2, 1/0.5, 0).
        let r = Self.evaluate(.logitMargin, probabilities: [0.2, 0.5, 0.3], logits: nil, target: 0)
        #expect(abs(r.value - (log(Float(0.5)) - log(Float(0.2)))) < 1e-5)
        expectClose(r.probabilities, [-5, 2, 0] as [Float])
    }

    @Test func everyRowHasItsOwnTarget() {
        let p = Tensor(shape: [2, 2], scalars: [0.9, 0.1, 0.4, 0.6])
        let value = IdentityLoss.oneMinusConfidence.perImage(ModelOutput(probabilities: Var(constant: p), logits: nil),
                                                             targets: [1, 1]).value
        expectClose(value.scalars, [0.9, 0.4] as [Float])
    }
}
