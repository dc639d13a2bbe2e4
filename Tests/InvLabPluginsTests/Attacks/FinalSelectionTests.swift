@testable import InvLabAttacks
import InvLabCore
import InvLabTensor
import InvLabTestSupport
import Testing

/// PPA-style final selection (Struppek et al. 2022): scores under random transformations.
@Suite struct FinalSelectionTests {
    /// Class 0 of a 2-class linear model on 1 x 4 x 4 images: +8 at the top-left pixel, -8 at the
    /// top-right one (a flip swaps them), +2 at each of the two middle bottom pixels (a flip keeps them).
    static let model: PlantedLinearModel = {
        var weights = [Float](repeating: 0, count: 32)
        (weights[0], weights[3], weights[13], weights[14]) = (8, -8, 2, 2)
        return PlantedLinearModel(weights: Tensor(shape: [2, 16], scalars: weights), bias: Tensor(zeros: [2]), inputShape: [1, 4, 4])
    }()

    static func image(lit: [Int]) -> [Float] { (0..<16).map { lit.contains($0) ? 1 : 0 } }

    @Test func theCandidateRobustToTransformationsWinsOverOneConfidentOnlyUntransformed() {
        // Fragile: logit 8 (p = 0.99966), flipped -8. Robust: logit 4 (p = 0.98201) either way.
        let candidates = Tensor(shape: [2, 1, 4, 4], scalars: Self.image(lit: [0]) + Self.image(lit: [13, 14]))
        let plain = Self.model.query(candidates)
        #expect(plain.scalars[0] > plain.scalars[2], "untransformed, the fragile candidate scores higher")
        var config = FinalSelectionConfig()
        (config.transformations, config.minCrop, config.noise) = (16, 1, 0)
        var calls = 0
        let scores = FinalSelection(configuration: config, seed: 3).scores(candidates, targets: [0, 0]) { batch in
            calls += 1
            return Self.model.query(batch)
        }
        #expect(calls == 16)
        #expect(abs(scores[1] - 0.98201) < 1e-4, "flips do not change the robust candidate")
        #expect(scores[1] > scores[0], "\(scores)")
        #expect(scores[0] < 0.95 && scores[0] > 0.05, "some of the 16 copies of the fragile one are flipped: \(scores)")
    }

    @Test func withoutTransformationsACopyIsTheImage() {
        var config = FinalSelectionConfig()
        (config.minCrop, config.flip, config.noise) = (1, false, 0)
        var random = SeededGenerator(seed: 1)
        let image = (0..<16).map { Float($0) / 16 }
        expectClose(FinalSelection(configuration: config, seed: 1).transformed(image, shape: [1, 4, 4], random: &random), image)
    }

    @Test func theGradientAttackSelectsRobustlyAndCountsTheQueries() throws {
        let spec = """
            type: gradient
            identity_loss: one_minus_confidence
            optimizer: {type: gradient_descent, lr: 0.5}
            iterations: 5
            restarts: 3
            init: {type: uniform}
            """
        let model = PlantedLinearModel.planted(AttackTestKit.templates, strengths: [3, 3, 3])
        let plain = try AttackTestKit.build(spec).run(against: CountingModel(model), resources: AttackTestKit.resources(targets: [0, 1]))
        let counting = CountingModel(model)
        let selecting = try AttackTestKit.build(spec + "\nfinal_selection: {transformations: 4}")
            .run(against: counting, resources: AttackTestKit.resources(targets: [0, 1]))
        #expect(selecting.queries.enumerated().allSatisfy { $0.element == plain.queries[$0.offset] + 3 * 4 })
        #expect(selecting.queries.reduce(0, +) == counting.queriedImages + counting.outputImages)
        #expect(selecting.attempts == plain.attempts, "the selection changes which attempt is kept, not the search")
    }
}
