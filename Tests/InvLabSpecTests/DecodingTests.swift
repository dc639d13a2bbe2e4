import InvLabSpec
import Testing

/// Typed decoding of valid specs: defaults, conversions, plugins, and writing values back.
@Suite("Typed decoding")
struct DecodingTests {
    static let fullSpec = """
        version: 1
        name: orl-miface
        seed: 0x2A
        data:
          dataset: orl
          image_size: 32
          split: test
          classes: [0, 1, 2]
        attack:
          steps: 1e3
          learning_rate: 1
          optimizer: sgd
          regularizers:
            - l2
            - type: total_variation
              weight: 0.1
          target_classes: null
          scale: 0.5
          clip: True
        defense: {type: mid, lambda: 0.05}
        """

    @Test("a full spec decodes to the expected values")
    func fullSpecDecodes() throws {
        let spec = try decodeTestSpec(try parseYAML(Self.fullSpec))
        #expect(spec.name == "orl-miface")
        #expect(spec.seed == 42)
        #expect(spec.data == DataSection(dataset: "orl", imageSize: 32, split: .test, classes: [0, 1, 2]))
        #expect(spec.attack.steps == 1000)
        #expect(spec.attack.learningRate == 1.0)
        #expect(spec.attack.optimizer == .sgd)
        #expect(spec.attack.targetClasses == nil)
        #expect(spec.attack.scale == 0.5)
        #expect(spec.attack.clip)
        #expect(spec.attack.regularizers.map(\.id) == ["l2", "total_variation"])
        let tv = spec.attack.regularizers[1]
        #expect(tv.path.description == "attack.regularizers[1]")
        #expect(tv.idPath.description == "attack.regularizers[1].type")
        #expect(tv.idLocation == SourceLocation(file: "test.yaml", line: 15, column: 13))
        #expect(tv.options == (try parseYAML("{weight: 0.1}")))
        let options = try tv.decodeOptions(as: TotalVariationConfig.self)
        #expect(options.weight == 0.1 && options.norm == .l1)
        #expect(spec.attack.regularizers[0].options.entries?.isEmpty == true)
        #expect(spec.defense?.id == "mid")
        #expect(spec.sweep == nil)
    }

    @Test("missing keys keep their defaults; a null section means all defaults")
    func defaults() throws {
        let spec = try decode(TestSpec.self, from: try parseYAML("version: 1\ndata: {dataset: x}\nattack:\n"))
        #expect(spec.attack == AttackSection())
        #expect(spec.name == "experiment")
        #expect(spec.defense == nil)
    }

    @Test("conversions between YAML scalars and Swift types", arguments: [
        ("attack: {steps: 2.0}", true), ("attack: {steps: 1e30}", false), ("attack: {steps: .inf}", false),
        ("attack: {learning_rate: 3}", true), ("attack: {scale: 0}", true), ("attack: {clip: false}", true),
        ("attack: {clip: 1}", false), ("attack: {optimizer: \"adam\"}", true), ("attack: {optimizer: [adam]}", false),
        ("attack: {target_classes: [3, 4]}", true), ("attack: {target_classes: [3, x]}", false),
        ("attack: {target_classes: ~}", true), ("name: !!str 12", true), ("name: null", false),
        ("attack: {learning_rate: .nan}", false), ("data: {dataset: x, split: ~}", false),
    ])
    func conversions(yaml: String, accepted: Bool) throws {
        var text = "version: 1\n" + yaml
        if !yaml.hasPrefix("data") { text += "\ndata: {dataset: x}" }
        var context = DecodingContext()
        let value = decode(TestSpec.self, from: try parseYAML(text), context: &context)
        #expect((value != nil) == accepted, "\(context.diagnostics)")
        #expect(context.hasErrors != accepted)
    }

    @Test("Float, dictionaries, raw nodes and plugins decode and render back")
    func otherConformances() throws {
        var context = DecodingContext()
        #expect(Float.decode(try parseYAML("1e39"), at: .root, context: &context) == nil)
        #expect(context.diagnostics.first?.message == "number 1e39 is too large for a 32-bit float")
        #expect(try decode([String: Int].self, from: try parseYAML("{b: 2, a: 1}")) == ["a": 1, "b": 2])
        #expect(emitFlowYAML(["b": 2, "a": 1].specNode) == "{a: 1, b: 2}")
        let raw = try decode(RawNode.self, from: try parseYAML("{anything: [1, 2]}"), at: SpecPath(["x"].map(SpecPath.Component.key)))
        #expect(raw.path.description == "x")
        #expect(raw.specNode == (try parseYAML("{anything: [1, 2]}")))
        let plugin = try decode(PluginNode.self, from: try parseYAML("tv"))
        #expect(plugin.specNode == (try parseYAML("{type: tv}")))
        #expect(PluginNode(id: "l2", options: try parseYAML("{weight: 2}")).specNode == (try parseYAML("{type: l2, weight: 2}")))
        #expect(Float(0.05).specNode.scalarText == "0.05")
        #expect(Optional<Int>.none.specNode.isNull)
    }

    @Test("a config renders back to a node that decodes to the same value")
    func specNodeRoundTrip() throws {
        let spec = try decodeTestSpec(try parseYAML(Self.fullSpec))
        let node = spec.specNode
        #expect(node["attack"]?["regularizers"]?[0] == (try parseYAML("{type: l2}")))
        #expect(node["attack"]?["target_classes"]?.isNull == true)
        let again = try decode(TestSpec.self, from: try parseYAML(emitYAML(node)))
        #expect(again == spec)
    }

    @Test("fields document their defaults and types")
    func fieldDocumentation() {
        let fields = AttackSection.fields
        #expect(fields.map(\.name) == ["steps", "learning_rate", "optimizer", "regularizers", "target_classes", "scale", "clip"])
        #expect(fields.map(\.defaultText) == ["100", "0.1", "adam", "[]", "null", "1.0", "false"])
        #expect(fields.map(\.typeDescription) == [
            "an integer >= 1", "a number > 0", "a string (one of: sgd, adam, lbfgs)",
            "a list of plugins (each a plugin id, or a mapping with a 'type' key)", "a list of integers or null",
            "a number in [0, 1]", "a boolean",
        ])
        #expect(DataSection.fields[0].defaultText == nil)
        #expect(DataSection.fields[0].isRequired)
        #expect([[Int]].typeDescription == "a list of lists of integers")
        #expect(Sweep.typeDescription == "a mapping from key paths to lists of values or ranges")
    }

    @Test("decode(_:from:at:) throws every error of a config together")
    func allErrorsAtOnce() throws {
        let node = try parseYAML("steps: x\nlearning_rate: y\nbogus: 1\n")
        do {
            _ = try decode(AttackSection.self, from: node, at: SpecPath([.key("attack")]))
            Issue.record("expected an error")
        } catch let error as SpecError {
            #expect(error.diagnostics.map(\.path?.description) == ["attack.steps", "attack.learning_rate", "attack.bogus"])
            #expect(error.diagnostics.map(\.location?.line) == [1, 2, 3])
        }
    }
}
