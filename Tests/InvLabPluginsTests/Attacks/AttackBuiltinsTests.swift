import Foundation
import InvLabAttacks
import InvLabBuiltins
import InvLabCore
import InvLabSpec
import InvLabTensor
import Testing

/// The attacks with the real optimizer, regularizer and generator plugins (`Builtins`).
@Suite struct AttackBuiltinsTests {
    typealias Kit = AttackTestKit
    let model = PlantedLinearModel.planted(AttackTestKit.templates, strengths: [3, 3, 3])

    static func build(_ yaml: String) throws -> any AttackPlugin {
        try Kit.build(yaml, registries: Builtins.registries())
    }

    static func resources(targets: [Int], data: ExperimentData? = nil) throws -> AttackResources {
        var resources = try Kit.resources(targets: targets, data: data)
        resources.registries = try Builtins.registries()
        return resources
    }

    /// Public faces: the first two templates and a grey image, so that PCA spans them.
    static func publicData() -> ExperimentData {
        var data = Kit.data()
        let images = Kit.templates[0] + Kit.templates[1] + Array(repeating: 0.5, count: 16)
        data.publicSet = LabeledSet(images: Tensor(shape: [3, 1, 4, 4], scalars: images), labels: [0, 1, 2])
        data.publicClassNames = ["a", "b", "c"]
        return data
    }

    @Test func examplesAndTheDocumentedGMIRecipeBuild() throws {
        _ = try Self.build(GradientAttack.example)
        _ = try Self.build(QueryAttack.example)
        // The recipe in GradientAttack.documentation (validation only: it would train a DCGAN).
        let recipe = try #require(GradientAttack.documentation.components(separatedBy: "```yaml\n").last?
            .components(separatedBy: "```").first)
        let attackYAML = recipe.components(separatedBy: "\n").dropFirst().map { String($0.dropFirst(2)) }.joined(separator: "\n")
        #expect(attackYAML.hasPrefix("type: gradient\n"))
        _ = try Self.build(attackYAML)
    }

    @Test func miFaceWithTotalVariationAndAdam() throws {
        let attack = try Self.build("""
            type: gradient
            identity_loss: one_minus_confidence
            optimizer: {type: adam, lr: 0.05}
            regularizers: [{type: total_variation, weight: 0.001}]
            iterations: 150
            """)
        let result = try attack.run(against: model, resources: Self.resources(targets: [0, 1, 2]))
        #expect(result.targetConfidence.allSatisfy { $0 > 0.9 }, "\(result.targetConfidence)")
        for identity in 0..<3 {
            #expect(Kit.correlation(Kit.row(result.reconstructions, identity), Kit.templates[identity]) > 0.5)
        }
    }

    @Test func latentSearchInAPrincipalComponentSpace() throws {
        let attack = try Self.build("""
            type: gradient
            identity_loss: cross_entropy
            search: {space: latent, generator: {type: pca, components: 2, latent_bound: 3}}
            optimizer: {type: momentum, lr: 0.05, momentum: 0.9}
            regularizers: [{type: latent_norm, weight: 0.001}]
            iterations: 100
            restarts: 2
            """)
        let result = try attack.run(against: model, resources: Self.resources(targets: [0, 1], data: Self.publicData()))
        #expect(result.attempts.shape == [4, 1, 4, 4])
        #expect(result.targetConfidence.allSatisfy { $0 > 0.9 }, "\(result.targetConfidence)")
    }

    @Test func queryAttackWithSignedSteps() throws {
        let attack = try Self.build("""
            type: query
            identity_loss: one_minus_confidence
            optimizer: {type: sign_gradient, lr: 0.02}
            iterations: 60
            samples: 10
            sigma: 0.05
            query_budget: 1000
            """)
        let result = try attack.run(against: model, resources: Self.resources(targets: [2]))
        #expect(result.queries[0] <= 1000)
        #expect(result.lossCurves[0].last! < result.lossCurves[0].first!)
        #expect(result.targetConfidence[0] > 0.9)
    }
}
