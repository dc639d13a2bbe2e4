import Foundation
import InvLabCore
import Testing

@Suite("Bad specs give exact diagnostics")
struct BadSpecTests {
    @Test("each bad spec", arguments: badSpecCases)
    func badSpec(_ testCase: BadSpecCase) throws {
        let fixture = try SpecFixture(files: testCase.files)
        defer { fixture.remove() }
        let rendered = try fixture.diagnostics(overrides: testCase.overrides)
        if ProcessInfo.processInfo.environment["INVLAB_PRINT_DIAGNOSTICS"] != nil {
            print("=== \(testCase.name)\n\(rendered ?? "(valid)")\n===")
        }
        #expect(rendered == testCase.expected, "\(testCase.name)")
    }

    @Test("the tiny spec itself is valid")
    func tinyIsValid() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": tinySpec])
        defer { fixture.remove() }
        #expect(try fixture.diagnostics() == nil)
    }

    @Test("discriminator_prior with a nested generator node is valid")
    func discriminatorPriorWithGeneratorIsValid() throws {
        let spec = tiny(replacing: "{type: total_variation, weight: 0.01}",
                        with: "{type: discriminator_prior, weight: 1, generator: {type: dcgan, side: 32, width: 4, latent: 8, epochs: 2}}")
        let fixture = try SpecFixture(files: ["spec.yaml": spec])
        defer { fixture.remove() }
        #expect(try fixture.diagnostics() == nil)
    }
}
