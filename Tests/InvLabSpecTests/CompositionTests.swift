import InvLabSpec
import Testing

/// `inherit:` merging: mappings merge, lists and scalars replace, a new `type` replaces.
@Suite("Inherit composition")
struct CompositionTests {
    @Test("bases merge in order, the child wins, and each value keeps the file that set it")
    func mergeRules() throws {
        let directory = FixtureDirectory()
        directory.write("common/base.yaml", """
            version: 1
            data: {dataset: orl, image_size: 64}
            attack:
              steps: 100
              regularizers: [l2, total_variation]
              optimizer: {type: adam, lr: 0.1, betas: [0.9, 0.99]}
            defense: {type: mid, lambda: 0.5}
            """)
        directory.write("common/fast.yaml", "attack:\n  steps: 10\n")
        let child = directory.write("exp/child.yaml", """
            inherit: [../common/base.yaml, ../common/fast.yaml]
            data:
              image_size: 32
            attack:
              regularizers: [l2]
              optimizer: {lr: 0.01}
            defense: {type: dp, noise: 1.2}
            name: child
            """)
        let root = try SpecComposer(cache: SourceCache()).compose(file: child)
        #expect(root.entries?.map(\.key) == ["version", "data", "attack", "defense", "name"])
        #expect(root["inherit"] == nil)
        #expect(root["data"] == (try parseYAML("{dataset: orl, image_size: 32}")))
        #expect(root["data"]?["dataset"]?.location.file.hasSuffix("common/base.yaml") == true)
        #expect(root["data"]?["image_size"]?.location.file.hasSuffix("exp/child.yaml") == true)
        #expect(root["attack"]?["steps"]?.scalarValue == .int(10))
        #expect(root["attack"]?["steps"]?.location.file.hasSuffix("common/fast.yaml") == true)
        #expect(root["attack"]?["regularizers"] == (try parseYAML("[l2]")))
        #expect(root["attack"]?["optimizer"] == (try parseYAML("{type: adam, lr: 0.01, betas: [0.9, 0.99]}")))
        #expect(root["defense"] == (try parseYAML("{type: dp, noise: 1.2}")))
        #expect(root["defense"]?.location.file.hasSuffix("exp/child.yaml") == true)
    }

    @Test("mergeSpec on in-memory trees", arguments: [
        ("{a: 1, b: {c: 2, d: 3}}", "{b: {d: 4}, e: 5}", "{a: 1, b: {c: 2, d: 4}, e: 5}"),
        ("{l: [1, 2, 3]}", "{l: [9]}", "{l: [9]}"),
        ("{p: {type: sgd, lr: 1}}", "{p: {type: adam}}", "{p: {type: adam}}"),
        ("{p: {type: sgd, lr: 1}}", "{p: {type: sgd, momentum: 0.9}}", "{p: {type: sgd, lr: 1, momentum: 0.9}}"),
        ("{p: {lr: 1}}", "{p: {type: sgd}}", "{p: {lr: 1, type: sgd}}"),
        ("{d: {type: mid}}", "{d: null}", "{d: null}"),
        ("{s: 1}", "{s: {x: 1}}", "{s: {x: 1}}"),
        // A child's top-level sweep replaces the parent's whole sweep; without one it inherits it.
        ("{sweep: {a: [1, 2, 3]}}", "{sweep: {b: [4, 5, 6]}}", "{sweep: {b: [4, 5, 6]}}"),
        ("{sweep: {a: [1, 2, 3]}, x: 1}", "{x: 2}", "{sweep: {a: [1, 2, 3]}, x: 2}"),
        // Only the top-level key: a nested mapping that happens to be called sweep merges.
        ("{n: {sweep: {a: 1}}}", "{n: {sweep: {b: 2}}}", "{n: {sweep: {a: 1, b: 2}}}"),
    ])
    func mergeSpecRules(base: String, child: String, expected: String) throws {
        #expect(mergeSpec(try parseYAML(child), onto: try parseYAML(base)) == (try parseYAML(expected)))
    }

    @Test("a spec without inherit is returned as loaded; bases may inherit in turn")
    func nestedInheritance() throws {
        let directory = FixtureDirectory()
        directory.write("a.yaml", "x: 1\ny: 1\nz: 1\n")
        directory.write("b.yaml", "inherit: a.yaml\ny: 2\n")
        let c = directory.write("c.yaml", "inherit: b.yaml\nz: 3\n")
        let composer = SpecComposer(cache: SourceCache())
        #expect(try composer.compose(file: c) == (try parseYAML("{x: 1, y: 2, z: 3}")))
        #expect(try composer.compose(file: directory.path + "/a.yaml") == (try parseYAML("{x: 1, y: 1, z: 1}")))
    }

    @Test("the inherit chain is bounded")
    func depthLimit() throws {
        let directory = FixtureDirectory()
        for index in 0..<5 { directory.write("f\(index).yaml", "inherit: f\(index + 1).yaml\n") }
        directory.write("f5.yaml", "x: 1\n")
        let composer = SpecComposer(cache: SourceCache(), maximumInheritDepth: 3)
        let message = renderedError(cache: SourceCache()) { _ = try composer.compose(file: directory.path + "/f0.yaml") }
        #expect(message.map(directory.anonymized) == "$DIR/f2.yaml:1:10: error: inherit chain is deeper than 3 files (at inherit)")
        #expect(try SpecComposer(cache: SourceCache()).compose(file: directory.path + "/f0.yaml") == (try parseYAML("{x: 1}")))
    }
}
