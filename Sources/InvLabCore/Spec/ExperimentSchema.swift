import InvLabSpec

/// The JSON Schema of experiment specs, generated from the registries: every place that names a
/// plugin accepts exactly the registered ids of its kind, each with its own keys. Editors using
/// yaml-language-server complete and check specs with it.
public enum ExperimentSchema {
    public static func document(_ registries: Registries) -> JSONValue {
        func choice(_ kind: PluginKind) -> JSONValue {
            let descriptors = registries.descriptors(of: kind)
            return SpecSchema.pluginChoice(ids: descriptors.map(\.id), schemas: descriptors.map(\.schema))
        }
        var root = ExperimentSpec.jsonSchema
        var properties = root["properties"] ?? .object([])
        func replace(_ key: String, with schema: JSONValue) {
            let description = properties[key]?["description"] ?? .string("")
            properties = properties.setting(key, to: schema.setting("description", to: description))
        }
        var data = properties["data"] ?? .object([])
        var dataProperties = data["properties"] ?? .object([])
        dataProperties = dataProperties.setting("source", to: choice(.dataset).setting("description", to: dataProperties["source"]?["description"] ?? ""))
        dataProperties = dataProperties.setting("public_source", to: JSONValue.object([
            ("description", dataProperties["public_source"]?["description"] ?? ""),
            ("anyOf", .array([["type": "null"], choice(.dataset)])),
        ]))
        data = data.setting("properties", to: dataProperties)
        properties = properties.setting("data", to: data)
        replace("target", with: choice(.recognizer))
        replace("evaluator", with: ["anyOf": .array([["type": "null"], choice(.recognizer)])])
        replace("defense", with: ["anyOf": .array([["type": "null"], ["const": "none"], choice(.defense), ["type": "array", "items": choice(.defense)]])])
        replace("attack", with: choice(.attack))
        replace("metrics", with: ["type": "array", "items": choice(.metric)])
        replace("judges", with: ["anyOf": .array([["type": "null"], ["type": "array", "minItems": 1, "items": choice(.judge)]])])
        root = root.setting("properties", to: properties)
        return SpecSchema.document(title: "InversionLab experiment spec (version 1)", root: root)
    }
}
