import InvLabSpec
import Testing

/// JSON values, their serialization, and JSON Schema generated from config declarations.
@Suite("JSON and JSON Schema")
struct SchemaTests {
    @Test("JSON Schema of a small config")
    func configSchema() {
        #expect(TotalVariationConfig.jsonSchema.serialized() == """
            {
              "type": "object",
              "properties": {
                "weight": {
                  "description": "Multiplier of the penalty.",
                  "type": "number",
                  "minimum": 0,
                  "default": 0.05
                },
                "norm": {
                  "description": "Norm of the image gradients.",
                  "type": "string",
                  "enum": [
                    "l1",
                    "l2"
                  ],
                  "default": "l1"
                }
              },
              "additionalProperties": false
            }
            """)
    }

    @Test("required keys, optional values and nested configs in the schema")
    func nestedSchema() throws {
        let data = DataSection.jsonSchema
        #expect(data["required"] == ["dataset"])
        #expect(data["properties"]?["dataset"]?["default"] == nil)
        #expect(data["properties"]?["image_size"] == [
            "description": "Side of the square images, in pixels.", "type": "integer",
            "minimum": 8, "maximum": 1024, "default": 64,
        ])
        let attack = AttackSection.jsonSchema["properties"]
        #expect(attack?["learning_rate"]?["exclusiveMinimum"] == 0)
        #expect(attack?["target_classes"]?["anyOf"] == [["type": "array", "items": ["type": "integer"]], ["type": "null"]])
        #expect(attack?["target_classes"]?.members.last?.value == .null)
        #expect(TestSpec.jsonSchema["properties"]?["data"]?["additionalProperties"] == false)
    }

    @Test("plugin schemas for the Core to compose")
    func pluginSchema() {
        let tv = SpecSchema.plugin(id: "total_variation", summary: "Total variation prior.", configuration: TotalVariationConfig.self)
        #expect(tv["properties"]?.members.map(\.key) == ["type", "weight", "norm"])
        #expect(tv["properties"]?["type"]?["const"] == "total_variation")
        #expect(tv["required"] == ["type"])
        let choice = SpecSchema.pluginChoice(ids: ["total_variation"], schemas: [tv])
        #expect(choice["oneOf"] == [["type": "string", "enum": ["total_variation"]], tv])
        let document = SpecSchema.document(title: "InversionLab spec", root: TestSpec.jsonSchema)
        #expect(document.members.prefix(3).map(\.key) == ["$schema", "title", "type"])
    }

    @Test("serialization is deterministic, valid JSON, without .0 noise", arguments: [
        (JSONValue.number(3), "3"), (.number(0.1), "0.1"), (.number(-2.5e-7), "-2.5e-07"), (.number(1e300), "1e+300"),
        (.number(.nan), "null"), (.number(.infinity), "null"), (.integer(-7), "-7"), (.bool(true), "true"),
        (.string("a\"b\\c\n\t\u{1}é"), "\"a\\\"b\\\\c\\n\\t\\u0001é\""), (.array([]), "[]"), (.object([]), "{}"),
        (["b": 1, "a": [true, nil]] as JSONValue, "{\"b\":1,\"a\":[true,null]}"),
    ])
    func serialization(value: JSONValue, expected: String) {
        #expect(value.serialized(pretty: false) == expected)
    }

    @Test("nodes convert to JSON by resolved value")
    func fromNode() throws {
        let json = JSONValue(try parseYAML("{a: 0x10, b: '1', c: [1.5, ~, yes, true]}"))
        #expect(json == ["a": 16, "b": "1", "c": [1.5, nil, "yes", true]])
        #expect(json.setting("a", to: 1)["a"] == 1)
        #expect(json.setting("z", to: 1).members.map(\.key) == ["a", "b", "c", "z"])
    }
}
