import Foundation
@testable import InvLabAttacks
import InvLabCore
import InvLabOptimizers
import InvLabRecognizers
import InvLabSpec
import InvLabTensor
import Testing

/// LOMMA's model augmentation (Nguyen et al., CVPR 2023): distilled surrogates attacked with the target.
@Suite struct ModelAugmentationTests {
    typealias Kit = AttackTestKit
    let target = PlantedLinearModel.planted(AttackTestKit.templates, strengths: [3, 3, 3])

    static func registries() throws -> Registries {
        var registries = Registries()
        try InvLabAttacksModule.register(into: &registries)
        try InvLabRecognizersModule.register(into: &registries)
        try InvLabOptimizersModule.register(into: &registries)
        return registries
    }

    /// `Kit.data` with `count` uniformly random 4x4 public faces.
    static func data(publicCount count: Int, seed: UInt64) -> ExperimentData {
        var data = Kit.data()
        var random = SeededGenerator(seed: seed)
        data.publicSet = LabeledSet(images: Tensor.uniform([count, 1, 4, 4], generator: &random), labels: Array(repeating: 0, count: count))
        return data
    }

    static let surrogate = "{type: softmax_regression, train: {epochs: 40, batch_size: 16, optimizer: {type: adam, lr: 0.05}}}"

    @Test func theDistilledSurrogateAgreesWithTheTarget() throws {
        var config = ModelAugmentationConfig()
        config.surrogates = [try decode(PluginNode.self, from: YAMLLoader().parse(Self.surrogate, file: "s.yaml", cache: SourceCache()),
                                        at: SpecPath.root)]
        let context = BuildContext(specDirectory: URL(fileURLWithPath: "/tmp"), seed: 7, registries: try Self.registries())
        var collector = DiagnosticCollector(context)
        let augmentation = ModelAugmentation.build(config, context: context, collector: &collector)
        #expect(collector.diagnostics.isEmpty)
        let counting = CountingModel(target)
        let resources = AttackResources(data: Self.data(publicCount: 150, seed: 1), targets: [0], environment: .ephemeral(),
                                        seed: 3, registries: try Self.registries())
        let (surrogates, queries) = try augmentation.distil(from: counting, config: config, resources: resources)
        #expect(queries == 300 && counting.queriedImages == 300, "150 public faces and their mirror images")
        var random = SeededGenerator(seed: 9)
        let fresh = Tensor.uniform([400, 1, 4, 4], generator: &random)
        let (truth, copy) = (target.predictions(fresh), try #require(surrogates.first).predictions(fresh))
        let agreement = Double(zip(truth, copy).filter { $0 == $1 }.count) / 400
        #expect(agreement > 0.9, "top-1 agreement with the target on unseen random images: \(agreement)")
    }

    @Test func theIdentityLossIsAveragedOverTheTargetAndTheSurrogates() throws {
        var settings = AttackSettings()
        settings.identityLoss = .oneMinusConfidence
        let context = BuildContext(specDirectory: URL(fileURLWithPath: "/tmp"), seed: 7, registries: try Self.registries())
        let components = try AttackComponents(settings, context: context)
        var (problem, _) = try SearchProblem.prepare(settings, components: components, model: target,
                                                     resources: Kit.resources(targets: [0, 1]))
        let other = PlantedLinearModel.planted(Kit.templates, strengths: [1, -1, 2])
        var random = SeededGenerator(seed: 2)
        let x = Tensor.uniform([2, 1, 4, 4], generator: &random)
        let alone = problem.objective(Var(constant: x), targets: [0, 1]).value.scalars
        problem.surrogates = [other]
        let together = problem.objective(Var(constant: x), targets: [0, 1]).value.scalars
        let otherProbabilities = other.query(x).scalars
        // (1 - f_j(x) + 1 - s_j(x)) / 2 with f the target and s the surrogate.
        for row in 0..<2 {
            #expect(abs(together[row] - (alone[row] + 1 - otherProbabilities[row * 3 + row]) / 2) < 1e-6)
        }
    }

    @Test func theGradientAttackCountsTheDistillationQueries() throws {
        let attack = try Kit.build("""
            type: gradient
            identity_loss: logit_maximisation
            optimizer: {type: gradient_descent, lr: 0.05}
            iterations: 20
            augmentation: {surrogates: [\(Self.surrogate)], flips: false}
            """, registries: try Self.registries())
        let counting = CountingModel(target)
        let resources = AttackResources(data: Self.data(publicCount: 41, seed: 4), targets: [0, 2], environment: .ephemeral(),
                                        seed: 3, registries: try Self.registries())
        let result = try attack.run(against: counting, resources: resources)
        #expect(result.queries.reduce(0, +) == counting.queriedImages + counting.outputImages)
        // 41 probes split over 2 identities (21 + 20); 21 evaluations and 1 scoring query each.
        #expect(result.queries == [21 + 22, 20 + 22])
        #expect(result.targetConfidence.allSatisfy { $0 > 0.9 })
    }

    @Test func theQueryAttackRejectsAugmentation() throws {
        let message = try #require(try Kit.diagnostics("type: query\naugmentation: {surrogates: [\(Self.surrogate)]}", registries: try Self.registries()))
        #expect(message.contains("augmentation needs gradients through the surrogates and the target; the query attack has only queries"))
    }
}
