import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabGenerators
import InvLabSpec
import InvLabTensor
import Testing

@Suite("Generator plugins: registration and errors")
struct GeneratorConfigurationTests {
    @Test("every generator of the module is registered, documented, and its example builds")
    func examplesBuild() throws {
        let registries = try Builtins.registries()
        let descriptors = registries.generators.descriptors.filter { $0.module == InvLabGeneratorsModule.name }
        #expect(descriptors.map(\.id) == ["pca", "vae", "dcgan"])
        for descriptor in descriptors {
            _ = try GeneratorTestKit.build(descriptor.example)
            #expect(descriptor.fields.allSatisfy { !$0.doc.isEmpty && $0.defaultText != nil }, "\(descriptor.id)")
        }
    }

    @Test("an empty public set is a clear error", arguments: ["pca", "vae", "dcgan"])
    func emptyPublicSet(id: String) throws {
        let plugin = try GeneratorTestKit.build("{type: \(id)}")
        #expect {
            _ = try plugin.fit(publicImages: Tensor(zeros: [0, 1, 8, 8]), environment: .ephemeral())
        } throws: { error in
            "\(error)" == "generator '\(id)' is fitted on the public split, but this experiment has no public images; "
                + "set data.public_identities (identities held out of the source) or data.public_source (another dataset)"
        }
    }

    @Test("pca needs two distinct images")
    func pcaNeedsVariation() throws {
        let plugin = try GeneratorTestKit.build("{type: pca}")
        #expect {
            _ = try plugin.fit(publicImages: Tensor(repeating: 0.5, shape: [3, 1, 4, 4]), environment: .ephemeral())
        } throws: { error in
            "\(error)" == "pca: the public images are all identical; there is no variation to model"
        }
    }

    @Test("bad sides and sizes are reported at their keys", arguments: [
        ("{type: dcgan, side: 48}", "generator.yaml:1:21: error: expected 32 or 64, got 48 (at attack.generator.side)"),
        ("{type: vae, latent: 0}", "generator.yaml:1:21: error: expected an integer in [1, 4096], got 0 (at attack.generator.latent)"),
        ("{type: pca, latent_bound: -1}", "generator.yaml:1:27: error: expected a number > 0 or null, got -1 (at attack.generator.latent_bound)"),
    ])
    func badValues(yaml: String, expected: String) {
        do {
            _ = try GeneratorTestKit.build(yaml)
            Issue.record("expected an error for \(yaml)")
        } catch {
            #expect("\(error)".split(separator: "\n").first.map(String.init) == expected)
        }
    }
}
