import Foundation
import InvLabSpec
import Testing

/// One bad spec and the exact diagnostics a user sees for it.
struct DiagnosticCase: Sendable, CustomTestStringConvertible {
    let name: String
    /// Files written to a fresh directory; the first one is the spec that is run.
    let files: [(name: String, bytes: [UInt8])]
    /// `--set` arguments applied after composition.
    let overrides: [String]
    /// The rendered diagnostics, with the fixture directory written as `$DIR`.
    let expected: String

    init(_ name: String, files: [(String, String)], overrides: [String] = [], expected: String) {
        self.init(name, binaryFiles: files.map { ($0.0, Array($0.1.utf8)) }, overrides: overrides, expected: expected)
    }

    init(_ name: String, binaryFiles: [(String, [UInt8])], overrides: [String] = [], expected: String) {
        self.name = name
        self.files = binaryFiles.map { (name: $0.0, bytes: $0.1) }
        self.overrides = overrides
        self.expected = expected
    }

    var testDescription: String { name }

    /// Runs the whole pipeline (compose, overrides, decode) and renders what it throws.
    func run() -> String? {
        let directory = FixtureDirectory()
        for file in files { directory.write(file.name, bytes: file.bytes) }
        let cache = SourceCache()
        let rendered = renderedError(cache: cache) {
            let root = try SpecComposer(cache: cache).compose(file: directory.path + "/" + files[0].name,
                                                              overrides: overrides)
            _ = try decodeTestSpec(root)
        }
        return rendered.map(directory.anonymized)
    }
}

/// A minimal valid spec body to build bad cases on.
let validPrefix = "version: 1\ndata:\n  dataset: orl\n"

@Suite("Diagnostics for bad specs")
struct DiagnosticCatalogTests {
    @Test("every bad spec renders its exact diagnostics", arguments: DiagnosticCatalogTests.cases)
    func diagnostic(_ testCase: DiagnosticCase) {
        #expect(testCase.run() == testCase.expected)
    }

    static let cases: [DiagnosticCase] = yamlCases + decodingCases + compositionCases + overrideCases + sweepCases

    static let yamlCases: [DiagnosticCase] = [
        DiagnosticCase("tab used for indentation", files: [("main.yaml", "version: 1\ndata:\n\tdataset: orl\n")], expected: """
            $DIR/main.yaml:3:1: error: tabs are not allowed for indentation in YAML; indent with spaces
                3 | \tdataset: orl
                  | ^
            """),
        DiagnosticCase("duplicate key", files: [("main.yaml", validPrefix + "  dataset: celeba\n")], expected: """
            $DIR/main.yaml:4:3: error: duplicate key 'dataset'
                4 |   dataset: celeba
                  |   ^
            note: first defined at $DIR/main.yaml:3:3
            """),
        DiagnosticCase("empty file", files: [("main.yaml", "")], expected: """
            $DIR/main.yaml:1:1: error: spec file is empty: expected a mapping that starts with 'version: 1'
                1 |
                  | ^
            """),
        DiagnosticCase("file with only comments", files: [("main.yaml", "# an experiment\n   # to be written\n")], expected: """
            $DIR/main.yaml:1:1: error: spec file is empty: expected a mapping that starts with 'version: 1'
                1 | # an experiment
                  | ^
            """),
        DiagnosticCase("binary file with NUL bytes", binaryFiles: [("main.yaml", [0x50, 0x4B, 0x03, 0x00, 0x14, 0x00])], expected: """
            $DIR/main.yaml:1:4: error: file is not UTF-8 text (byte 0x00 at offset 3)
            note: a spec is a YAML text file; is this the right path?
            """),
        DiagnosticCase("invalid UTF-8", binaryFiles: [("main.yaml", Array("version: 1\nname: caf".utf8) + [0xE9, 0x0A])], expected: """
            $DIR/main.yaml:2:10: error: file is not UTF-8 text (byte 0xE9 at offset 20)
            note: a spec is a YAML text file; is this the right path?
            """),
        DiagnosticCase("two documents", files: [("main.yaml", "version: 1\n---\nversion: 2\n")], expected: """
            $DIR/main.yaml:2:1: error: a spec file holds exactly one YAML document
                2 | ---
                  | ^
            note: the first document starts at $DIR/main.yaml:1:1
            """),
        DiagnosticCase("bad indentation", files: [("main.yaml", validPrefix + " image_size: 32\n")], expected: """
            $DIR/main.yaml:4:2: error: YAML syntax error: did not find expected key
                4 |  image_size: 32
                  |  ^
            note: while parsing a block mapping that starts at $DIR/main.yaml:1:1
            """),
        DiagnosticCase("unclosed flow list", files: [("main.yaml", "version: 1\ndata: {dataset: orl, classes: [1, 2}\n")], expected: """
            $DIR/main.yaml:2:36: error: YAML syntax error: did not find expected ',' or ']'
                2 | data: {dataset: orl, classes: [1, 2}
                  |                                    ^
            note: while parsing a flow sequence that starts at $DIR/main.yaml:2:31
            """),
        DiagnosticCase("unknown anchor", files: [("main.yaml", "version: 1\ndata: *defaults\n")], expected: """
            $DIR/main.yaml:2:7: error: unknown anchor 'defaults' (an alias '*defaults' needs an earlier '&defaults')
                2 | data: *defaults
                  |       ^
            """),
        DiagnosticCase("list as a mapping key", files: [("main.yaml", "version: 1\n[a, b]: 3\n")], expected: """
            $DIR/main.yaml:2:1: error: mapping keys must be plain text, got a list
                2 | [a, b]: 3
                  | ^
            """),
        DiagnosticCase("unsupported tag and a value that does not fit its tag",
                       files: [("main.yaml", validPrefix + "name: !!binary aGVsbG8=\nseed: !!int twelve\n")], expected: """
            $DIR/main.yaml:4:7: error: unsupported tag '!!binary'
                4 | name: !!binary aGVsbG8=
                  |       ^
            note: a spec may only use the tags !!str, !!int, !!float, !!bool and !!null
            $DIR/main.yaml:5:7: error: 'twelve' is not a valid !!int
                5 | seed: !!int twelve
                  |       ^
            """),
        DiagnosticCase("integer too large", files: [("main.yaml", validPrefix + "seed: 99999999999999999999\n")], expected: """
            $DIR/main.yaml:4:7: error: integer 99999999999999999999 does not fit in 64 bits
                4 | seed: 99999999999999999999
                  |       ^
            note: quote it ("99999999999999999999") if you mean text
            """),
    ]
}
