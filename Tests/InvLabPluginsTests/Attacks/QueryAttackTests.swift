import InvLabAttacks
import InvLabCore
import InvLabTensor
import Testing

/// The black-box attack: natural-evolution-strategies gradients from queries alone, counted exactly.
@Suite struct QueryAttackTests {
    typealias Kit = AttackTestKit
    let model = PlantedLinearModel.planted(AttackTestKit.templates, strengths: [3, 3, 3])

    @Test func reducesTheLossFromQueriesAlone() throws {
        let attack = try Kit.build("""
            type: query
            identity_loss: one_minus_confidence
            optimizer: {type: gradient_descent, lr: 1}
            iterations: 100
            samples: 20
            sigma: 0.05
            """)
        let counting = CountingModel(model)
        let result = try attack.run(against: counting, resources: Kit.resources(targets: [0, 2]))
        #expect(counting.outputImages == 0, "a black-box attack never differentiates the model")
        for identity in 0..<2 {
            let curve = result.lossCurves[identity]
            #expect(curve.last! < curve.first! - 0.5, "\(curve)")
            #expect(result.targetConfidence[identity] > 0.9)
            #expect(Kit.correlation(Kit.row(result.reconstructions, identity), Kit.templates[result.targets[identity]]) > 0.3)
        }
    }

    @Test func countsQueriesExactly() throws {
        let attack = try Kit.build("type: query\niterations: 10\nrestarts: 2\nsamples: 4\ninit: {type: uniform}")
        let counting = CountingModel(model)
        let result = try attack.run(against: counting, resources: Kit.resources(targets: [1, 0]))
        // Per attempt: 10 evaluations with a 4-sample estimate (5 queries), then the last step (1).
        #expect(result.queries == [2 * 51, 2 * 51])
        #expect(counting.queriedImages == 204)
        #expect(result.iterations == [10, 10])
    }

    @Test func stopsAnIdentityWhenItsBudgetIsSpent() throws {
        // Budget 23, 5 queries per estimate: steps 0-3 cost 5 each (20), step 4 is evaluated
        // without an estimate (21) since a further step could not be evaluated, then it stops.
        let single = try Kit.build("type: query\niterations: 100\nsamples: 4\nquery_budget: 23")
        let one = try single.run(against: model, resources: Kit.resources(targets: [0]))
        #expect(one.queries == [21] && one.iterations == [4])
        // Two attempts share 50: 4 estimated steps (40), then 2 plain evaluations.
        let double = try Kit.build("type: query\niterations: 100\nsamples: 4\nrestarts: 2\nquery_budget: 50\ninit: {type: uniform}")
        let counting = CountingModel(model)
        let two = try double.run(against: counting, resources: Kit.resources(targets: [0, 1]))
        #expect(two.queries == [42, 42] && two.iterations == [4, 4])
        #expect(counting.queriedImages == 84)
    }

    @Test func regularizerGradientsAreExactWithoutQueries() throws {
        // A flat model gives every perturbation the same loss (zero estimate); the anchor prior's
        // autodiff gradient alone pulls the image to the mean public face.
        let flat = PlantedLinearModel(weights: Tensor(zeros: [3, 16]), bias: Tensor(zeros: [3]), inputShape: [1, 4, 4])
        let attack = try Kit.build("type: query\nregularizers: [{type: anchor}]\noptimizer: {type: gradient_descent, lr: 0.2}\niterations: 60\nsamples: 2")
        let result = try attack.run(against: flat, resources: Kit.resources(targets: [2]))
        #expect(result.reconstructions.scalars.allSatisfy { abs($0 - 0.25) < 1e-3 })
    }

    @Test func searchesALatentSpaceFromQueries() throws {
        let w: [Float] = (0..<16).map { LinearTestImageGenerator.p[$0] - LinearTestImageGenerator.q[$0] }
        let latentModel = PlantedLinearModel(weights: Tensor(shape: [2, 16], scalars: w + w.map { -$0 }), bias: Tensor(zeros: [2]), inputShape: [1, 4, 4])
        let attack = try Kit.build("""
            type: query
            identity_loss: one_minus_confidence
            search: {space: latent, generator: test_linear}
            init: {type: zeros}
            optimizer: {type: gradient_descent, lr: 5}
            iterations: 40
            samples: 10
            sigma: 0.05
            """)
        let result = try attack.run(against: latentModel, resources: Kit.resources(targets: [0]))
        let corner = LinearTestImageGenerator(scale: 0.25).generate(Var(constant: Tensor(shape: [1, 2], scalars: [1, -1]))).value
        for (a, b) in zip(result.reconstructions.scalars, corner.scalars) { #expect(abs(a - b) < 1e-4) }
    }

    @Test func seededRunsAreDeterministic() throws {
        let yaml = "type: query\niterations: 5\nsamples: 6\ninit: {type: uniform}\nrestarts: 2"
        let a = try Kit.build(yaml).run(against: model, resources: Kit.resources(targets: [0], seed: 3))
        let b = try Kit.build(yaml).run(against: model, resources: Kit.resources(targets: [0], seed: 3))
        let c = try Kit.build(yaml).run(against: model, resources: Kit.resources(targets: [0], seed: 4))
        #expect(a.attempts == b.attempts)
        #expect(a.attempts != c.attempts)
    }
}
