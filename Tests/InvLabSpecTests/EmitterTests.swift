import InvLabSpec
import Testing

/// `emitYAML` writes deterministic YAML that reads back to an equal tree.
@Suite("YAML emission")
struct EmitterTests {
    @Test("block-style output with flow lists of scalars and quoting where needed")
    func layout() throws {
        let root = try parseYAML("""
            version: 1
            name: "yes"
            note: 'multi: word # text'
            empty: ""
            nothing: ~
            hex: 0x10
            ratio: !!float 2
            count: !!int "7"
            numbers: [1, 2.5, -3]
            words: [a, "b, c", "true"]
            plugins:
              - type: l2
                weight: 0.5
              - [nested, list]
              - - {deep: [x]}
            map: {}
            list: []
            text: "line one\\nline two\\ttab \\"quoted\\" back\\\\slash"
            "key with: colon": 1
            """)
        #expect(emitYAML(root) == """
            version: 1
            name: "yes"
            note: "multi: word # text"
            empty: ""
            nothing: null
            hex: 0x10
            ratio: 2.0
            count: 7
            numbers: [1, 2.5, -3]
            words: [a, "b, c", "true"]
            plugins:
              - type: l2
                weight: 0.5
              - [nested, list]
              - - deep: [x]
            map: {}
            list: []
            text: "line one\\nline two\\ttab \\"quoted\\" back\\\\slash"
            "key with: colon": 1

            """)
    }

    @Test("emitted YAML round-trips to an equal tree", arguments: [
        "a: 1\nb: [x, {y: 2}]\n",
        "s: ['-dash', '#hash', ' lead', 'trail ', 'a: b', '[x]', '{y}', '*star', '&amp', '!bang', '%p', '@at', '`tick']",
        "v: ['null', 'Null', '~', '', 'true', 'FALSE', '1', '0x1F', '0o7', '1e5', '.inf', '.nan', 'on', 'off', 'y']",
        "u: ['caf\u{e9}', '\u{1F600}', \"\\x07bell\", \"\\u2028sep\", '...dots', '---dash', '<<']",
        "n: [.inf, -.inf, .nan, 1.0, -0.0, 1e-300, 9223372036854775807]",
        "deep: {a: {b: {c: [[[1]], [], {}]}}}",
        "[1, [2, [3]], {k: v}]",
        "just a scalar",
        "{}",
        "long: [aaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbb, cccccccccccccccccccccc, dddddddddddddddddddd]",
    ])
    func roundTrip(yaml: String) throws {
        let original = try parseYAML(yaml)
        let emitted = emitYAML(original)
        let reparsed = try parseYAML(emitted, file: "emitted.yaml")
        #expect(reparsed == original, "emitted:\n\(emitted)")
        #expect(emitYAML(reparsed) == emitted)
    }

    @Test("programmatic strings that look like other types are quoted")
    func programmaticStrings() throws {
        let node = Node.mapping([
            "a": .string("123"), "b": .string("null"), "c": .value(.float(0.5)), "d": .value(.bool(true)),
            "e": .sequence([]), "f": .value(.float(3)),
        ])
        #expect(emitYAML(node) == "a: \"123\"\nb: \"null\"\nc: 0.5\nd: true\ne: []\nf: 3.0\n")
        #expect(try parseYAML(emitYAML(node)) == node)
        #expect(emitFlowYAML(node) == "{a: \"123\", b: \"null\", c: 0.5, d: true, e: [], f: 3.0}")
    }
}
