import InvLabAttacks
import InvLabCore
import InvLabTensor
import Testing

/// The white-box attack on tiny planted models: recovery, batching, restarts, early stopping.
@Suite struct GradientAttackTests {
    typealias Kit = AttackTestKit
    let model = PlantedLinearModel.planted(AttackTestKit.templates, strengths: [3, 3, 3])

    @Test func miFaceRecoversThePlantedTemplates() throws {
        let attack = try Kit.build("""
            type: gradient
            identity_loss: one_minus_confidence
            optimizer: {type: gradient_descent, lr: 1}
            iterations: 200
            init: {type: constant, value: 0.5}
            """)
        let result = try attack.run(against: model, resources: Kit.resources(targets: [0, 1, 2]))
        #expect(result.targets == [0, 1, 2])
        #expect(result.reconstructions.shape == [3, 1, 4, 4])
        for (row, target) in result.targets.enumerated() {
            let correlation = Kit.correlation(Kit.row(result.reconstructions, row), Kit.templates[target])
            #expect(correlation > 0.8, "identity \(target): correlation \(correlation)")
        }
        #expect(result.targetConfidence.allSatisfy { $0 > 0.95 }, "\(result.targetConfidence)")
        let start = model.query(Tensor(repeating: 0.5, shape: [1, 1, 4, 4])).scalars[0]
        #expect(start < 0.5, "the start is not already recognised (\(start))")
    }

    @Test func articlesSquaredErrorAlsoRaisesTheTargetProbability() throws {
        let attack = try Kit.build("type: gradient\noptimizer: {type: gradient_descent, lr: 2}\niterations: 150")
        let result = try attack.run(against: model, resources: Kit.resources(targets: [1]))
        #expect(Kit.correlation(Kit.row(result.reconstructions, 0), Kit.templates[1]) > 0.8)
        #expect(result.targetConfidence[0] > 0.9)
    }

    @Test func recordsCurvesIterationsAndQueries() throws {
        let attack = try Kit.build("type: gradient\niterations: 25\ncurve_every: 10\nrestarts: 2\ninit: {type: uniform}")
        let counting = CountingModel(model)
        let result = try attack.run(against: counting, resources: Kit.resources(targets: [0, 2]))
        #expect(result.lossCurveSteps == [0, 10, 20, 25])
        #expect(result.lossCurves.count == 2 && result.lossCurves.allSatisfy { $0.count == 4 })
        #expect(result.lossCurves.allSatisfy { $0[3] < $0[0] }, "\(result.lossCurves)")
        #expect(result.iterations == [25, 25])
        // Each attempt: the start and 25 steps through `output`, then one query to score it.
        #expect(result.queries == [2 * 27, 2 * 27])
        #expect(counting.outputImages + counting.queriedImages == result.queries.reduce(0, +))
        #expect(result.seconds >= 0)
    }

    @Test func batchedIdentitiesMatchSeparateAttacks() throws {
        let yaml = "type: gradient\nidentity_loss: cross_entropy\niterations: 30\ninit: {type: constant, value: 0.4}"
        let batched = try Kit.build(yaml).run(against: model, resources: Kit.resources(targets: [0, 1, 2]))
        let alone = try Kit.build(yaml).run(against: model, resources: Kit.resources(targets: [1]))
        for (a, b) in zip(Kit.row(batched.reconstructions, 1), Kit.row(alone.reconstructions, 0)) {
            #expect(abs(a - b) < 1e-5)
        }
    }

    @Test func restartsKeepEveryAttemptIdentityMajorAndSelectTheMostConfident() throws {
        let attack = try Kit.build("""
            type: gradient
            identity_loss: one_minus_confidence
            iterations: 2
            restarts: 3
            init: {type: uniform}
            keep_best: false
            """)
        let targets = [2, 0]
        let result = try attack.run(against: model, resources: Kit.resources(targets: targets))
        #expect(result.restarts == 3)
        #expect(result.attempts.shape == [6, 1, 4, 4])
        #expect(result.attemptConfidence.count == 6)
        #expect(result.attemptTargets == [2, 2, 2, 0, 0, 0])
        let probabilities = model.query(result.attempts)
        for row in 0..<6 {
            // Row r belongs to identity r / 3: its confidence is the probability of that identity's class.
            #expect(abs(result.attemptConfidence[row] - probabilities.scalars[row * 3 + targets[row / 3]]) < 1e-6)
        }
        for identity in 0..<2 {
            let block = Array(result.attemptConfidence[(identity * 3)..<(identity * 3 + 3)])
            #expect(Set(block).count == 3, "random starts give different attempts: \(block)")
            #expect(result.selectedAttempt[identity] == block.firstIndex(of: block.max()!)!)
            #expect(Kit.row(result.reconstructions, identity) == Kit.row(result.attempts, identity * 3 + result.selectedAttempt[identity]))
            #expect(result.targetConfidence[identity] == block.max()!)
        }
    }

    @Test func keepBestReturnsTheLowestObjectiveIterate() throws {
        // A step of 50 overshoots from grey; the start (objective c_0) stays the best iterate.
        let flat = PlantedLinearModel(weights: Tensor(zeros: [3, 16]), bias: Tensor(zeros: [3]), inputShape: [1, 4, 4])
        let yaml = "type: gradient\nregularizers: [{type: anchor, weight: 1}]\noptimizer: {type: gradient_descent, lr: 50}\niterations: 3\nprojection: null\ninit: {type: constant, value: 0.3}"
        let best = try Kit.build(yaml).run(against: flat, resources: Kit.resources(targets: [0]))
        #expect(Kit.row(best.reconstructions, 0).allSatisfy { abs($0 - 0.3) < 1e-6 })
        let last = try Kit.build(yaml + "\nkeep_best: false").run(against: flat, resources: Kit.resources(targets: [0]))
        #expect(Kit.row(last.reconstructions, 0).allSatisfy { $0 == 0 || $0 == 1 }, "the last iterate diverged and is clamped")
    }

    @Test func regularizersArePreparedOnThePublicSet() throws {
        // Flat model: only the anchor prior acts, pulling every pixel to the mean public face 0.25.
        let flat = PlantedLinearModel(weights: Tensor(zeros: [3, 16]), bias: Tensor(zeros: [3]), inputShape: [1, 4, 4])
        let attack = try Kit.build("type: gradient\nregularizers: [{type: anchor, weight: 1}]\niterations: 60\noptimizer: {type: gradient_descent, lr: 0.2}")
        let result = try attack.run(against: flat, resources: Kit.resources(targets: [0, 1]))
        #expect(result.reconstructions.scalars.allSatisfy { abs($0 - 0.25) < 1e-3 })
    }

    @Test func meanPublicFaceStartNeedsAPublicSet() throws {
        let flat = PlantedLinearModel(weights: Tensor(zeros: [3, 16]), bias: Tensor(zeros: [3]), inputShape: [1, 4, 4])
        let attack = try Kit.build("type: gradient\ninit: {type: mean_public_face}\niterations: 1")
        let result = try attack.run(against: flat, resources: Kit.resources(targets: [0]))
        #expect(result.reconstructions.scalars.allSatisfy { abs($0 - 0.25) < 1e-6 })
        #expect(throws: AttackError("init type 'mean_public_face' needs public images, but this experiment has no public set; add a public split or source to `data`, or start from `constant` or `uniform`")) {
            try attack.run(against: flat, resources: Kit.resources(targets: [0], data: Kit.data(publicCount: 0)))
        }
    }

    @Test func noIdentitiesGiveAnEmptyResult() throws {
        let result = try Kit.build("type: gradient").run(against: model, resources: Kit.resources(targets: []))
        #expect(result.reconstructions.shape == [0, 1, 4, 4] && result.queries.isEmpty)
    }

    @Test func unknownTargetClassIsAClearError() throws {
        #expect(throws: AttackError("attacked class 5 does not exist: the published model has 3 classes")) {
            try Kit.build("type: gradient").run(against: model, resources: Kit.resources(targets: [5]))
        }
    }
}
