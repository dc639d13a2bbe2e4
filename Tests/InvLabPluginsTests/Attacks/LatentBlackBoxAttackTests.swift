import InvLabAttacks
import InvLabCore
import InvLabTensor
import Testing

/// The latent black-box attacks: Mirror-style genetic search (confidences only, within a budget)
/// and BREP-MI (hard labels only), on the 2-d test generator, where the planted model's logits
/// are `4 s z_0`, `4 s z_1` and 0 for classes 0, 1, 2 (templates P, Q, PQ; strength s).
@Suite struct LatentBlackBoxAttackTests {
    typealias Kit = AttackTestKit

    @Test func geneticSearchNeverExceedsItsBudgetAndCountsExactly() throws {
        let attack = try Kit.build("""
            type: genetic
            generator: {type: test_linear}
            population: 8
            elites: 2
            max_generations: 100
            query_budget: 53
            """)
        let counting = CountingModel(PlantedLinearModel.planted(Kit.templates, strengths: [1, 1, 1]))
        let result = try attack.run(against: counting, resources: Kit.resources(targets: [0, 1]))
        // 8 for the first generation, 6 for each later one: 8 + 7 * 6 = 50 <= 53 < 56.
        #expect(result.queries == [50, 50])
        #expect(counting.queriedImages == 100, "the selection reuses the scores the search saw")
        #expect(counting.outputImages == 0, "a black-box attack never differentiates the model")
        #expect(result.iterations == [7, 7])
        #expect(result.restarts == 8)
    }

    @Test func geneticSearchImprovesTheTargetConfidence() throws {
        // Strength 0.5: the best reachable probability of class 0, at z = (1, -1), is
        // e^2 / (e^2 + e^-2 + 1) = 0.8668.
        let attack = try Kit.build("""
            type: genetic
            generator: {type: test_linear}
            population: 4
            elites: 1
            max_generations: 60
            mutation_probability: 0.5
            query_budget: 100000
            """)
        let model = PlantedLinearModel.planted(Kit.templates, strengths: [0.5, 0.5, 0.5])
        let result = try attack.run(against: model, resources: Kit.resources(targets: [0, 1]))
        for identity in 0..<2 {
            let curve = result.lossCurves[identity]
            #expect(curve.last! < curve.first! - 0.01, "\(curve)")
            #expect(zip(curve, curve.dropFirst()).allSatisfy { $1 <= $0 }, "elitism never loses the best code: \(curve)")
            #expect(result.targetConfidence[identity] > 0.86)
            let truth = model.query(result.reconstructions.gathering(rows: [identity]))
            #expect(abs(truth.scalars[result.targets[identity]] - result.targetConfidence[identity]) < 1e-5)
        }
    }

    static let brep = """
        type: boundary_repulsion
        generator: {type: test_linear}
        initial_batch: 4
        sphere_points: 8
        radius: 0.3
        max_radius: 2
        step_size: 1
        iterations: 30
        query_budget: 400
        """

    @Test func boundaryRepulsionSeesLabelsOnlyAndCountsThemExactly() throws {
        let attack = try Kit.build(Self.brep)
        let strong = CountingModel(PlantedLinearModel.planted(Kit.templates, strengths: [3, 3, 3]))
        let result = try attack.run(against: strong, resources: Kit.resources(targets: [0, 1]))
        #expect(strong.outputImages == 0, "no gradient")
        #expect(result.queries.reduce(0, +) == strong.queriedImages)
        #expect(result.queries.allSatisfy { $0 <= 400 })
        // The same labels with other confidences (every logit scaled by 1/6): the same attack, query for query.
        let weak = CountingModel(PlantedLinearModel.planted(Kit.templates, strengths: [0.5, 0.5, 0.5]))
        let blind = try attack.run(against: weak, resources: Kit.resources(targets: [0, 1]))
        #expect(blind.reconstructions == result.reconstructions)
        #expect(blind.queries == result.queries)
        #expect(result.attemptConfidence == [1, 1], "the reported score is the label indicator")
    }

    @Test func boundaryRepulsionMovesAwayFromTheBoundary() throws {
        let attack = try Kit.build(Self.brep)
        let model = PlantedLinearModel.planted(Kit.templates, strengths: [3, 3, 3])
        let result = try attack.run(against: model, resources: Kit.resources(targets: [0, 1]))
        let probabilities = model.query(result.reconstructions)
        for identity in 0..<2 {
            #expect(probabilities.scalars[identity * 3 + result.targets[identity]] > 0.95, "\(probabilities.scalars)")
            #expect(result.iterations[identity] > 0)
        }
    }

    @Test func boundaryRepulsionStopsWithinASmallBudget() throws {
        let attack = try Kit.build(Self.brep.replacingOccurrences(of: "query_budget: 400", with: "query_budget: 30"))
        let counting = CountingModel(PlantedLinearModel.planted(Kit.templates, strengths: [3, 3, 3]))
        let result = try attack.run(against: counting, resources: Kit.resources(targets: [0, 1, 2]))
        #expect(result.queries.allSatisfy { $0 <= 30 }, "\(result.queries)")
        #expect(result.queries.reduce(0, +) == counting.queriedImages)
    }

    @Test func budgetsThatCannotPayForTheFirstGenerationAreRejected() throws {
        let message = try #require(try Kit.diagnostics("type: genetic\ngenerator: {type: test_linear}\npopulation: 10\nquery_budget: 5"))
        #expect(message.contains("query_budget 5 cannot pay for the first generation of 10 codes"))
        let elites = try #require(try Kit.diagnostics("type: genetic\ngenerator: {type: test_linear}\npopulation: 4\nelites: 4"))
        #expect(elites.contains("elites 4 must be fewer than population 4"))
    }
}
