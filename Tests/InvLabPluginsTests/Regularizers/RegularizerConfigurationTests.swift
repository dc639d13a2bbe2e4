import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabRegularizers
import InvLabSpec
import Testing

@Suite("Regularizer plugins: registration and diagnostics")
struct RegularizerConfigurationTests {
    @Test("every regularizer of the module is registered, documented, and its example builds")
    func examplesBuild() throws {
        let registries = try Builtins.registries()
        let descriptors = registries.regularizers.descriptors.filter { $0.module == InvLabRegularizersModule.name }
        #expect(descriptors.map(\.id) == ["l2", "l1", "total_variation", "dae_prior", "discriminator_prior", "latent_norm", "realism_prior"])
        for descriptor in descriptors {
            let plugin = try RegularizerTestKit.build(descriptor.example)
            #expect(plugin.weight >= 0)
            #expect(descriptor.fields.first?.name == "weight", "\(descriptor.id) has a weight key")
            #expect(descriptor.fields.allSatisfy { !$0.doc.isEmpty && $0.defaultText != nil }, "\(descriptor.id)")
        }
    }

    @Test("discriminator_prior takes its GAN as a nested generator node, a default dcgan unless the spec names one")
    func discriminatorPriorTakesAGeneratorNode() throws {
        let registries = try Builtins.registries()
        let fields = try #require(registries.regularizers.descriptor("discriminator_prior")).fields
        #expect(fields.map(\.name) == ["weight", "generator"])
        #expect(fields.last?.defaultText == "{type: dcgan}")
        #expect(RegularizerTestKit.diagnostics("{type: discriminator_prior, generator: {type: dcgan, side: 32, epochs: 2}}") == "(built without error)")
    }

    @Test("bad values give exact diagnostics", arguments: [
        ("{type: l2, weight: -1}", """
            regularizer.yaml:1:20: error: expected a number >= 0, got -1 (at attack.regularizers[0].weight)
                1 | {type: l2, weight: -1}
                  |                    ^
            """),
        ("{type: total_variaton}", """
            regularizer.yaml:1:8: error: unknown regularizer 'total_variaton' (at attack.regularizers[0].type)
                1 | {type: total_variaton}
                  |        ^
            note: did you mean 'total_variation'?
            """),
        ("{type: total_variation, isotropic: yes}", """
            regularizer.yaml:1:36: error: expected a boolean, got a string 'yes' (at attack.regularizers[0].isotropic)
                1 | {type: total_variation, isotropic: yes}
                  |                                    ^
            note: YAML 1.2 reads 'yes' as text; write true or false
            """),
        ("{type: dae_prior, channels: []}", """
            regularizer.yaml:1:29: error: expected 1 to 5 positive channel counts (at most 1024), got [] (at attack.regularizers[0].channels)
                1 | {type: dae_prior, channels: []}
                  |                             ^
            """),
        ("{type: discriminator_prior, generator: {type: dcgan, side: 48}}", """
            regularizer.yaml:1:60: error: expected 32 or 64, got 48 (at attack.regularizers[0].generator.side)
                1 | {type: discriminator_prior, generator: {type: dcgan, side: 48}}
                  |                                                            ^
            """),
        ("{type: discriminator_prior, generator: {type: dcgan, sied: 32}}", """
            regularizer.yaml:1:54: error: unknown key 'sied' (at attack.regularizers[0].generator.sied)
                1 | {type: discriminator_prior, generator: {type: dcgan, sied: 32}}
                  |                                                      ^
            note: did you mean 'side'?
            """),
        ("{type: discriminator_prior, generator: dcgn}", """
            regularizer.yaml:1:40: error: unknown generator 'dcgn' (at attack.regularizers[0].generator.type)
                1 | {type: discriminator_prior, generator: dcgn}
                  |                                        ^
            note: did you mean 'dcgan'?
            """),
        ("{type: discriminator_prior, weight: 1, side: 32}", """
            regularizer.yaml:1:40: error: key 'side' has moved (at attack.regularizers[0].side)
                1 | {type: discriminator_prior, weight: 1, side: 32}
                  |                                        ^
            note: the GAN's keys belong to its generator now: write `generator: {type: dcgan, side: ...}`
            """),
        ("{type: latent_norm, center: 0.5}", """
            regularizer.yaml:1:21: error: unknown key 'center' (at attack.regularizers[0].center)
                1 | {type: latent_norm, center: 0.5}
                  |                     ^
            note: known keys: weight
            """),
    ])
    func diagnostics(yaml: String, expected: String) {
        #expect(RegularizerTestKit.diagnostics(yaml) == expected)
    }
}
