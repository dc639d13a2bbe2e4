/// Building blocks for the JSON Schema that `invlab schema` emits, so that editors (e.g.
/// yaml-language-server) complete and check specs as they are typed.
public enum SpecSchema {
    /// The JSON Schema dialect written in `$schema`.
    public static let dialect = "https://json-schema.org/draft/2020-12/schema"

    /// The schema of one plugin: an object whose `type` must be `id`, plus the plugin's
    /// configuration keys, with `summary` as description.
    public static func plugin<C: SpecConfig>(id: String, summary: String, configuration: C.Type) -> JSONValue {
        let base = C.jsonSchema
        let typeProperty: JSONValue = ["description": "Plugin id.", "const": .string(id)]
        let properties = JSONValue.object([("type", typeProperty)] + (base["properties"]?.members ?? []))
        var required: [JSONValue] = ["type"]
        if case .array(let others)? = base["required"] { required += others }
        return [
            "description": .string(summary),
            "type": "object",
            "properties": properties,
            "required": .array(required),
            "additionalProperties": false,
        ]
    }

    /// A choice among plugins: either a bare id (the shorthand) or one of the plugin schemas
    /// (as built by `plugin(id:summary:configuration:)`).
    public static func pluginChoice(ids: [String], schemas: [JSONValue]) -> JSONValue {
        ["oneOf": .array([["type": "string", "enum": .array(ids.map(JSONValue.string))]] + schemas)]
    }

    /// A complete schema document: `$schema`, `title`, then the members of `root`.
    public static func document(title: String, root: JSONValue) -> JSONValue {
        .object([("$schema", .string(dialect)), ("title", .string(title))] + root.members)
    }
}
