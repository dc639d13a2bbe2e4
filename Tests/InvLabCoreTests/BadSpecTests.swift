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
}
