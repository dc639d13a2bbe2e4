import Foundation
import InvLabSpec
import Testing

/// The located node tree built from libyaml events: locations, scalars, aliases, limits.
@Suite("YAML loader")
struct LoaderTests {
    @Test("nodes and keys keep 1-based line and column")
    func locations() throws {
        let root = try parseYAML("""
            # comment
            attack:
              steps: 10
              regularizers:
                - type: l2
                  weight: 0.5
                - {type: tv}
            """)
        #expect(root.location == SourceLocation(file: "test.yaml", line: 2, column: 1))
        let attack = try #require(root["attack"])
        #expect(attack.location.line == 3 && attack.location.column == 3)
        #expect(root.entry("attack")?.keyLocation == SourceLocation(file: "test.yaml", line: 2, column: 1))
        #expect(attack["steps"]?.location == SourceLocation(file: "test.yaml", line: 3, column: 10))
        let regularizers = try #require(attack["regularizers"])
        #expect(regularizers.location == SourceLocation(file: "test.yaml", line: 5, column: 5))
        let weight = try #require(regularizers[0]?["weight"])
        #expect(weight.location == SourceLocation(file: "test.yaml", line: 6, column: 15))
        #expect(weight.scalarValue == .float(0.5))
        #expect(regularizers[1]?.location == SourceLocation(file: "test.yaml", line: 7, column: 7))
        #expect(regularizers[1]?.entry("type")?.keyLocation.column == 8)
        #expect(regularizers[1]?["type"]?.location.column == 14)
        #expect(regularizers[2] == nil)
        #expect(SourceLocation(file: "a.yaml", line: 3, column: 7).description == "a.yaml:3:7")
    }

    @Test("mapping keys keep their order; accessors return nil for the wrong kind")
    func accessors() throws {
        let root = try parseYAML("z: 1\na: [x, y]\nm: {k: v}\n")
        #expect(root.entries?.map(\.key) == ["z", "a", "m"])
        #expect(root["a"]?.items?.map(\.scalarText) == ["x", "y"])
        #expect(root["m"]?["k"]?.stringValue == "v")
        #expect(root["z"]?.items == nil)
        #expect(root["z"]?.entries == nil)
        #expect(root["a"]?.scalarText == nil)
        #expect(root["missing"] == nil)
        #expect(root.removingEntry("a").entries?.map(\.key) == ["z", "m"])
    }

    @Test("quoted and block scalars are strings; tags force types", arguments: [
        ("v: \"1\"", ScalarValue.string("1")), ("v: 'true'", .string("true")), ("v: \"\"", .string("")),
        ("v: |\n  text\n", .string("text\n")), ("v: >-\n  a\n  b\n", .string("a b")),
        ("v: !!str 12", .string("12")), ("v: !!int \"12\"", .int(12)), ("v: !!float 1", .float(1)),
        ("v: !!bool 'false'", .bool(false)), ("v: !!null ''", .null), ("v: ! 12", .string("12")),
        ("v: yes", .string("yes")), ("v: 0x10", .int(16)), ("v: 1e3", .float(1000)), ("v:", .null),
    ])
    func scalarStyles(yaml: String, expected: ScalarValue) throws {
        #expect(try parseYAML(yaml)["v"]?.scalarValue == expected)
    }

    @Test("aliases are expanded; the copy is located at the alias")
    func aliases() throws {
        let root = try parseYAML("base: &b {lr: 0.1, steps: 5}\nrun: *b\nlist: [&x 3, *x]\n")
        #expect(root["run"] == root["base"])
        #expect(root["run"]?.location == SourceLocation(file: "test.yaml", line: 2, column: 6))
        #expect(root["run"]?["lr"]?.location.line == 1)
        #expect(root["list"]?.items?.map(\.scalarValue) == [.int(3), .int(3)])
    }

    @Test("a billion-laughs document fails fast with a diagnostic")
    func billionLaughs() {
        var lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        for (previous, name) in zip(names, names.dropFirst()) {
            lines.append("\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]")
        }
        let started = Date()
        let message = renderedError(cache: SourceCache()) { _ = try parseYAML(lines.joined(separator: "\n")) }
        #expect(Date().timeIntervalSince(started) < 1)
        // 13 + 112 + 1112 + 11112 nodes for lines 1-4, then each *d adds 11111: the 8th crosses 100000.
        #expect(message == "test.yaml:5:36: error: alias expansion exceeds 100000 nodes (a 'billion laughs' document?)")
    }

    @Test("a recursive alias is an error, not a loop")
    func recursiveAlias() {
        let message = renderedError(cache: SourceCache()) { _ = try parseYAML("a: &a [1, *a]\n") }
        #expect(message == "test.yaml:1:11: error: alias '*a' refers to a node that contains it (recursive aliases are not allowed)")
    }

    @Test("node count, depth and file size limits are configurable")
    func limits() throws {
        let cache = SourceCache()
        let small = YAMLLoader(limits: YAMLLimits(maximumNodeCount: 5))
        #expect(renderedError(cache: SourceCache()) {
            _ = try small.parse("[1, 2, 3, 4, 5]", file: "n.yaml", cache: cache)
        } == "n.yaml:1:14: error: document has more than 5 nodes")
        let shallow = YAMLLoader(limits: YAMLLimits(maximumDepth: 3))
        #expect(try shallow.parse("[[[1]]]", file: "d.yaml", cache: cache).items?.count == 1)
        #expect(renderedError(cache: SourceCache()) {
            _ = try shallow.parse("[[[[1]]]]", file: "d.yaml", cache: cache)
        } == "d.yaml:1:4: error: lists and mappings are nested deeper than 3 levels")
        let tiny = YAMLLoader(limits: YAMLLimits(maximumFileSize: 8))
        #expect(renderedError(cache: SourceCache()) {
            _ = try tiny.parse("version: 1\n", file: "s.yaml", cache: cache)
        } == "error: s.yaml: file is too large for a spec (11 bytes; the limit is 8)")
        #expect(YAMLLimits.default == YAMLLimits(maximumFileSize: 16 << 20, maximumNodeCount: 100_000, maximumDepth: 200))
    }

    @Test("deep nesting from a hostile file is refused, not a crash")
    func hostileNesting() {
        let text = String(repeating: "[", count: 50_000)
        let message = renderedError(cache: SourceCache()) { _ = try parseYAML(text) }
        #expect(message == "test.yaml:1:201: error: lists and mappings are nested deeper than 200 levels")
    }

    @Test("load(file:) reads files, stores their text, and reports unreadable paths")
    func loadFromDisk() throws {
        let directory = FixtureDirectory()
        let path = directory.write("spec.yaml", "version: 1\r\nname: x\r\n")
        let cache = SourceCache()
        let root = try YAMLLoader().load(file: path, cache: cache)
        #expect(root["name"]?.location.line == 2)
        #expect(cache.line(2, in: path) == "name: x")
        #expect(cache.files == [path])
        let missing = directory.path + "/nope.yaml"
        #expect(renderedError(cache: cache) { _ = try YAMLLoader().load(file: missing, cache: cache) }
            .map(directory.anonymized) == "error: cannot read spec file '$DIR/nope.yaml': no such file")
        #expect(renderedError(cache: cache) { _ = try YAMLLoader().load(file: directory.path, cache: cache) }
            .map(directory.anonymized) == "error: cannot read spec file '$DIR': it is a directory")
    }

    @Test("a document marker without content counts as an empty file; a bare scalar is a document")
    func emptyDocument() throws {
        for text in ["---\n", "--- # nothing\n...\n", "\n\n"] {
            #expect(renderedError(cache: SourceCache()) { _ = try parseYAML(text) }
                == "test.yaml:1:1: error: spec file is empty: expected a mapping that starts with 'version: 1'")
        }
        #expect(try parseYAML("hello").stringValue == "hello")
        #expect(try parseYAML("--- ''").stringValue == "")
    }

    @Test("control characters rejected by libyaml's reader become a located diagnostic")
    func controlCharacter() {
        let message = renderedError(cache: SourceCache()) { _ = try parseYAML("a: 1\nb: x\u{7}y\n") }
        #expect(message?.hasPrefix("test.yaml:2:5: error: invalid character in YAML text:") == true)
    }
}
