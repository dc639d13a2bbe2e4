import InvLabAttacks
import InvLabCore
import InvLabTensor
import InvLabTestSupport
import Testing

/// LOMMA's logit-maximisation identity loss (Nguyen et al., CVPR 2023): value and gradient.
@Suite struct LogitMaximisationLossTests {
    @Test func valueIsMinusTheTargetLogitPlusTheWeightedSquaredNorm() {
        // logits (2, 1, 0), target 0, w = 0.1: -2 + 0.1 * (4 + 1 + 0) = -1.5;
        // gradient -e_0 + 2 w z = (-1 + 0.4, 0.2, 0).
        let p = Tensor(shape: [1, 3], scalars: [0.5, 0.3, 0.2])
        let z = Tensor(shape: [1, 3], scalars: [2, 1, 0])
        let (value, gradients) = valueWithGradient(at: [p, z]) { v in
            IdentityLoss.logitMaximisation.perImage(ModelOutput(probabilities: v[0], logits: v[1]), targets: [0], normWeight: 0.1)
        }
        #expect(abs(value.scalars[0] + 1.5) < 1e-6)
        expectClose(gradients[1].scalars, [-0.6, 0.2, 0] as [Float])
        expectClose(gradients[0].scalars, [0, 0, 0] as [Float], "the published probabilities are not used when logits exist")
    }

    @Test func gradientThroughAModelMatchesFiniteDifferences() {
        let model = PlantedLinearModel.planted(AttackTestKit.templates, strengths: [1.5, 2, 2.5])
        var random = SeededGenerator(seed: 5)
        let x = Tensor.uniform([2, 1, 4, 4], generator: &random)
        let targets = [2, 0]
        func loss(_ v: Var) -> Var {
            IdentityLoss.logitMaximisation.perImage(model.output(v), targets: targets, normWeight: 0.05).sum()
        }
        let (_, gradient) = valueWithGradient(at: x) { loss($0) }
        let direction = Tensor.normal(x.shape, generator: &random)
        let h: Float = 1e-2
        let plus = loss(Var(constant: x + direction * h)).value.scalars[0]
        let minus = loss(Var(constant: x - direction * h)).value.scalars[0]
        let numeric = (plus - minus) / (2 * h)
        let analytic = zip(gradient.scalars, direction.scalars).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(numeric - analytic) < 1e-2 * max(1, abs(analytic)), "numeric \(numeric), analytic \(analytic)")
    }

    @Test func gradientAttackRaisesTheTargetLogit() throws {
        let attack = try AttackTestKit.build("""
            type: gradient
            identity_loss: logit_maximisation
            logit_norm_weight: 0.01
            optimizer: {type: gradient_descent, lr: 0.05}
            iterations: 60
            """)
        let model = PlantedLinearModel.planted(AttackTestKit.templates, strengths: [3, 3, 3])
        let result = try attack.run(against: model, resources: AttackTestKit.resources(targets: [1]))
        #expect(result.targetConfidence[0] > 0.9)
        let curve = result.lossCurves[0]
        #expect(curve.last! < curve.first! - 1, "\(curve)")
    }
}
