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
        // Every plugin slot accepts exactly the registered ids of its kind (`PluginSlot.all`).
        for slot in PluginSlot.all {
            let schema = slot.schema(plugin: choice(slot.kind))
            if slot.keys.count == 1 {
                replace(slot.keys[0], with: schema)
            } else {
                var parent = properties[slot.keys[0]] ?? .object([])
                var nested = parent["properties"] ?? .object([])
                let description = nested[slot.keys[1]]?["description"] ?? .string("")
                nested = nested.setting(slot.keys[1], to: schema.setting("description", to: description))
                parent = parent.setting("properties", to: nested)
                properties = properties.setting(slot.keys[0], to: parent)
            }
        }
        root = root.setting("properties", to: properties)
        return SpecSchema.document(title: "InversionLab experiment spec (version 1)", root: root)
    }
}
