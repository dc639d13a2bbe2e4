import InvLabAttacks
import InvLabCore
import InvLabTensor
import Testing

/// Fredrikson et al.'s stopping rule per identity, and latent-space search through a generator.
@Suite struct EarlyStoppingAndLatentTests {
    typealias Kit = AttackTestKit

    @Test func windowRuleStopsAnAttemptWhoseCostNoLongerImproves() throws {
        // A model that ignores its input: the cost never changes, so after `window` steps
        // c_i >= max(c_(i-1), ..., c_(i-window)) holds and every attempt stops at step 3.
        let flat = PlantedLinearModel(weights: Tensor(zeros: [3, 16]), bias: Tensor(zeros: [3]), inputShape: [1, 4, 4])
        let attack = try Kit.build("type: gradient\niterations: 50\nearly_stopping: {window: 3}")
        let result = try attack.run(against: flat, resources: Kit.resources(targets: [0, 1]))
        #expect(result.iterations == [3, 3])
        #expect(result.queries == [5, 5], "start + 3 steps + the final score")
        #expect(result.lossCurveSteps == [0, 3])
    }

    @Test func thresholdRuleStopsIdentitiesIndividuallyAndFreezesThem() throws {
        // Class 0 is strongly planted and quickly exceeds probability 0.95; class 1 is weak.
        let model = PlantedLinearModel.planted(Kit.templates, strengths: [6, 0.3, 0.3])
        let attack = try Kit.build("""
            type: gradient
            identity_loss: one_minus_confidence
            optimizer: {type: momentum, lr: 0.5, momentum: 0.9}
            iterations: 40
            curve_every: 1
            restarts: 2
            init: {type: uniform, low: 0.45, high: 0.55}
            early_stopping: {window: 1000, threshold: 0.05}
            keep_best: false
            """)
        let result = try attack.run(against: model, resources: Kit.resources(targets: [0, 1]))
        let stopped = result.iterations[0]
        #expect(stopped > 0 && stopped < 40, "identity 0 stopped early at \(stopped)")
        #expect(result.iterations[1] == 40)
        let curve = result.lossCurves[0]
        #expect(curve.last! <= 0.05, "the selected attempt stopped on the threshold")
        #expect(Set(curve[stopped...]).count == 1, "a frozen attempt's cost stays constant: \(curve[stopped...])")
        #expect(result.queries[1] == 2 * 42)
        #expect(result.queries[0] <= 2 * (stopped + 2), "no evaluation of identity 0 after it stopped")
        #expect(result.targetConfidence[0] >= 0.95)
    }

    let latentModel: PlantedLinearModel = {
        // Class 0's weights are P - Q: its best image is G(1, -1); class 1's are the opposite.
        let w: [Float] = (0..<16).map { LinearTestImageGenerator.p[$0] - LinearTestImageGenerator.q[$0] }
        return PlantedLinearModel(weights: Tensor(shape: [2, 16], scalars: w + w.map { -$0 }), bias: Tensor(zeros: [2]), inputShape: [1, 4, 4])
    }()

    @Test func latentSearchClampsTheLatentsToTheGeneratorsBounds() throws {
        // The margin loss is unbounded below: without the clamp z would run off to infinity.
        let attack = try Kit.build("""
            type: gradient
            identity_loss: logit_margin
            search: {space: latent, generator: {type: test_linear}}
            optimizer: {type: gradient_descent, lr: 0.1}
            iterations: 40
            restarts: 2
            """)
        let result = try attack.run(against: latentModel, resources: Kit.resources(targets: [0, 1]))
        let generator = LinearTestImageGenerator(scale: 0.25)
        let corners = generator.generate(Var(constant: Tensor(shape: [2, 2], scalars: [1, -1, -1, 1]))).value
        for (a, b) in zip(result.reconstructions.scalars, corners.scalars) { #expect(abs(a - b) < 1e-5) }
        // Both random starts (clamped into the bounds) end in their identity's corner.
        for row in 0..<4 {
            for (a, b) in zip(Kit.row(result.attempts, row), Kit.row(corners, row / 2)) { #expect(abs(a - b) < 1e-5) }
        }
    }

    @Test func latentRegularizersSeeTheLatents() throws {
        // A heavy latent-norm prior holds z near 0, so the image stays near grey 0.5.
        let attack = try Kit.build("""
            type: gradient
            identity_loss: one_minus_confidence
            search: {space: latent, generator: {type: test_linear}}
            init: {type: zeros}
            regularizers: [{type: latent_norm, weight: 100}]
            iterations: 30
            """)
        let result = try attack.run(against: latentModel, resources: Kit.resources(targets: [0]))
        #expect(result.reconstructions.scalars.allSatisfy { abs($0 - 0.5) < 0.01 }, "\(result.reconstructions.scalars)")
    }

    @Test func latentSearchNeedsPublicImagesToFitItsGenerator() throws {
        let attack = try Kit.build("type: gradient\nsearch: {space: latent, generator: test_linear}")
        #expect(throws: AttackError("latent search fits its generator on the public set, but this experiment has no public images; add a public split or source to `data`")) {
            try attack.run(against: latentModel, resources: Kit.resources(targets: [0], data: Kit.data(publicCount: 0)))
        }
    }

    @Test func generatorImagesMustFitTheModel() throws {
        let wide = PlantedLinearModel(weights: Tensor(zeros: [2, 25]), bias: Tensor(zeros: [2]), inputShape: [1, 5, 5])
        let attack = try Kit.build("type: gradient\nsearch: {space: latent, generator: test_linear}")
        #expect(throws: AttackError("the generator makes images of shape [1, 4, 4], but the attacked model takes [1, 5, 5]")) {
            try attack.run(against: wide, resources: Kit.resources(targets: [0]))
        }
    }
}
