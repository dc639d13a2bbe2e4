/// A reference to a plugin in a spec: `{type: total_variation, weight: 0.05}`, or the bare id
/// `total_variation` as shorthand for `{type: total_variation}`.
///
/// Only `type` is read here; the plugin's own keys stay undecoded in `options`, because only
/// the Core knows which configuration type the id selects. The Core then calls
/// `decode(Config.self, from: plugin.options, at: plugin.path)` so that errors in the options
/// carry the right key path, and reports an unknown id at `idLocation` with
/// `Diagnostic.unknownName("regularizer", plugin.id, known: ids, ...)`.
public struct PluginNode: SpecValue, Sendable, Equatable {
    /// The plugin id (the `type:` value), e.g. `total_variation`.
    public let id: String
    /// Where the id is written (the `type` value, or the bare string).
    public let idLocation: SourceLocation
    /// The plugin's own keys: the mapping without `type` (an empty mapping for the shorthand).
    public let options: Node
    /// Where the reference sits in the spec, e.g. `attack.regularizers[1]`.
    public let path: SpecPath
    /// Where the reference starts.
    public let location: SourceLocation

    /// Creates a reference in code.
    public init(id: String, options: Node = .mapping([]), path: SpecPath = .root,
                idLocation: SourceLocation = .generated, location: SourceLocation = .generated) {
        self.id = id
        self.options = options
        self.path = path
        self.idLocation = idLocation
        self.location = location
    }

    /// The path of the `type` key, for "unknown plugin" diagnostics.
    public var idPath: SpecPath { path.appending("type") }

    /// The plugin's options decoded as its configuration type, with diagnostics at the
    /// options' own key paths (e.g. `attack.regularizers[1].weight`); nil after recording them.
    public func decodeOptions<C: SpecValue>(as type: C.Type, context: inout DecodingContext) -> C? {
        C.decode(options, at: path, context: &context)
    }

    /// The plugin's options decoded as its configuration type.
    /// - Throws: `SpecError` with every problem in the options.
    public func decodeOptions<C: SpecValue>(as type: C.Type) throws -> C {
        try InvLabSpec.decode(C.self, from: options, at: path)
    }

    public static func decode(_ node: Node, at path: SpecPath, context: inout DecodingContext) -> PluginNode? {
        if let id = node.stringValue {
            guard !id.isEmpty else {
                context.error("expected a plugin id, got an empty string", at: node, path: path)
                return nil
            }
            return PluginNode(id: id, options: .mapping([], at: node.location), path: path,
                              idLocation: node.location, location: node.location)
        }
        guard node.entries != nil else {
            context.typeMismatch(expected: typeDescription, got: node, path: path)
            return nil
        }
        guard let typeNode = node["type"] else {
            context.error("missing required key 'type'", at: node, path: path,
                          notes: ["a plugin is written as {type: <plugin id>, ...its options}"])
            return nil
        }
        guard let id = typeNode.stringValue, !id.isEmpty else {
            context.typeMismatch(expected: "a plugin id (a string)", got: typeNode, path: path.appending("type"))
            return nil
        }
        return PluginNode(id: id, options: node.removingEntry("type"), path: path,
                          idLocation: typeNode.location, location: node.location)
    }

    public static var typeDescription: String { "a plugin (a plugin id, or a mapping with a 'type' key)" }
    public static var pluralTypeDescription: String { "plugins (each a plugin id, or a mapping with a 'type' key)" }

    /// A plugin id or a mapping with a string `type`; `SpecSchema.pluginChoice` builds the
    /// precise schema once the registered plugins are known.
    public static var jsonSchema: JSONValue {
        ["anyOf": [
            ["type": "string"],
            ["type": "object", "properties": ["type": ["type": "string"]], "required": ["type"]],
        ]]
    }

    /// `{type: id, ...options}`.
    public var specNode: Node {
        let typeEntry = MappingEntry(key: "type", keyLocation: idLocation, value: .string(id, at: idLocation))
        return .mapping([typeEntry] + (options.entries ?? []), at: location)
    }

    /// Equal ids and equal options (locations ignored).
    public static func == (lhs: PluginNode, rhs: PluginNode) -> Bool {
        lhs.id == rhs.id && lhs.options == rhs.options
    }
}

/// Any subtree kept as-is, with its path, for parts of a spec decoded later or elsewhere.
public struct RawNode: SpecValue, Sendable, Equatable {
    /// The subtree.
    public let node: Node
    /// Where it sits in the spec.
    public let path: SpecPath

    /// Wraps a node.
    public init(_ node: Node, path: SpecPath = .root) {
        self.node = node
        self.path = path
    }

    public static func decode(_ node: Node, at path: SpecPath, context: inout DecodingContext) -> RawNode? {
        RawNode(node, path: path)
    }

    public static var typeDescription: String { "any value" }
    public static var pluralTypeDescription: String { "values of any kind" }
    /// The empty schema, which accepts anything.
    public static var jsonSchema: JSONValue { .object([]) }
    public var specNode: Node { node }

    /// Equal subtrees (locations ignored).
    public static func == (lhs: RawNode, rhs: RawNode) -> Bool { lhs.node == rhs.node }
}
