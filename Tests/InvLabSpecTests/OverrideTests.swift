import InvLabSpec
import Testing

/// `--set key.path=value` overrides and `setting(_:to:in:)`.
@Suite("Overrides")
struct OverrideTests {
    static let spec = """
        attack:
          steps: 100
          regularizers:
            - {type: l2, weight: 1}
            - type: total_variation
              weight: 0.05
        defense:
        """

    @Test("overrides parse their value as YAML", arguments: [
        ("attack.regularizers[1].weight=0.1", "attack.regularizers[1].weight", "0.1"),
        ("attack.steps=7", "attack.steps", "7"),
        ("attack.regularizers[0]={type: l1, weight: 2}", "attack.regularizers[0]", "{type: l1, weight: 2}"),
        ("attack.schedule=[0.1, 0.2]", "attack.schedule", "[0.1, 0.2]"),
        ("attack.name=\"42\"", "attack.name", "'42'"),
        ("attack.clip=true", "attack.clip", "true"),
        ("attack.note=", "attack.note", "null"),
        ("defense.lambda=0.5", "defense", "{lambda: 0.5}"),
        ("data.split.kind=test", "data", "{split: {kind: test}}"),
    ])
    func override(assignment: String, path: String, expected: String) throws {
        let root = try applyOverride(assignment, to: try parseYAML(Self.spec))
        #expect(try node(at: try SpecPath(parsing: path), in: root) == (try parseYAML(expected)))
    }

    @Test("overridden values are located in the --set pseudo-file, one line per override")
    func locations() throws {
        let cache = SourceCache()
        var root = try parseYAML(Self.spec, cache: cache)
        root = try applyOverride("attack.steps=5", to: root, cache: cache)
        root = try applyOverride("attack.regularizers[0].weight=[1, 2]", to: root, cache: cache)
        #expect(root["attack"]?["steps"]?.location == SourceLocation(file: "--set", line: 1, column: 14))
        let weight = try #require(root["attack"]?["regularizers"]?[0]?["weight"])
        #expect(weight.location == SourceLocation(file: "--set", line: 2, column: 31))
        #expect(weight[1]?.location == SourceLocation(file: "--set", line: 2, column: 35))
        #expect(cache.line(2, in: "--set") == "attack.regularizers[0].weight=[1, 2]")
        #expect(root["attack"]?["regularizers"]?[1]?["weight"]?.location.file == "test.yaml")
    }

    @Test("setting(_:to:in:) replaces nested list elements and reports bad paths")
    func settingNested() throws {
        let root = try parseYAML(Self.spec)
        let path = try SpecPath(parsing: "attack.regularizers[1].type")
        let updated = try setting(path, to: .string("tv2"), in: root)
        #expect(updated["attack"]?["regularizers"]?[1]?["type"]?.stringValue == "tv2")
        #expect(updated["attack"]?["regularizers"]?[0] == root["attack"]?["regularizers"]?[0])
        #expect(try setting(.root, to: .value(.int(1)), in: root) == .value(.int(1)))
        let message = renderedError(cache: SourceCache()) {
            _ = try setting(try SpecPath(parsing: "attack.regularizers.weight"), to: .null(), in: root)
        }
        #expect(message == "test.yaml:4:5: error: cannot set key 'weight' in 'attack.regularizers': it is a list, not a mapping (at attack.regularizers)")
        let missing = renderedError(cache: SourceCache()) {
            _ = try setting(try SpecPath(parsing: "attack.schedule[0]"), to: .null(), in: root,
                            at: SourceLocation(file: "s.yaml", line: 3, column: 4))
        }
        #expect(missing == "s.yaml:3:4: error: cannot index into 'attack.schedule': there is no such key (at attack.schedule)")
    }

    /// The node at `path`, following keys and indices.
    private func node(at path: SpecPath, in root: Node) throws -> Node {
        var current = root
        for component in path.components {
            switch component {
            case .key(let key): current = try #require(current[key])
            case .index(let index): current = try #require(current[index])
            }
        }
        return current
    }
}
