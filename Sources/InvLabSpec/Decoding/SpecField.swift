/// One documented key of a `SpecConfig`: its name, the property it sets, its documentation,
/// whether it is required, and optional constraints.
///
/// The default is whatever `Root()` holds, so it is written once, in the struct, and the
/// documentation (`defaultText`) and JSON Schema (`"default"`) can never disagree with it.
public struct SpecField<Root: SpecConfig> {
    /// The YAML key (snake_case).
    public let name: String
    /// One or two sentences for users: what the key does, units, typical values.
    public let doc: String
    /// True when the key must be written; its default is then not shown.
    public let isRequired: Bool
    /// What the value must be, e.g. "a number >= 0".
    public let typeDescription: String
    /// The value's JSON Schema fragment, constraints included (without description/default).
    public let valueSchema: JSONValue

    private let decodeValue: (inout Root, Node, SpecPath, inout DecodingContext) -> Void
    private let readNode: (Root) -> Node

    /// A key whose value any `V` accepts, optionally checked by `check`, which returns an error
    /// message (e.g. "expected a power of two, got 3") or nil when the value is fine.
    public init<V: SpecValue>(_ name: String, _ keyPath: WritableKeyPath<Root, V>, doc: String,
                              required: Bool = false, check: ((V) -> String?)? = nil) {
        self.init(name: name, keyPath: keyPath, doc: doc, required: required, constraint: nil, check: check)
    }

    /// A key whose value must lie within `bounds` (and pass `check`, if given).
    /// The message names the bound: "expected a number >= 0, got -1".
    public init<V: SpecValue & Comparable>(_ name: String, _ keyPath: WritableKeyPath<Root, V>, doc: String,
                                           required: Bool = false, bounds: SpecBounds<V>,
                                           check: ((V) -> String?)? = nil) {
        self.init(name: name, keyPath: keyPath, doc: doc, required: required,
                  constraint: (description: "\(V.typeDescription) \(bounds)", schema: bounds.schemaMembers,
                               accepts: { bounds.contains($0) }),
                  check: check)
    }

    private init<V: SpecValue>(name: String, keyPath: WritableKeyPath<Root, V>, doc: String, required: Bool,
                               constraint: (description: String, schema: [(key: String, value: JSONValue)],
                                            accepts: (V) -> Bool)?,
                               check: ((V) -> String?)?) {
        self.name = name
        self.doc = doc
        self.isRequired = required
        self.typeDescription = constraint?.description ?? V.typeDescription
        var schema = V.jsonSchema
        for member in constraint?.schema ?? [] { schema = schema.setting(member.key, to: member.value) }
        self.valueSchema = schema
        let expected = self.typeDescription
        decodeValue = { root, node, path, context in
            guard let value = V.decode(node, at: path, context: &context) else { return }
            if let constraint, !constraint.accepts(value) {
                context.error("expected \(expected), got \(node.scalarText ?? emitFlowYAML(node))", at: node, path: path)
                return
            }
            if let message = check?(value) {
                context.error(message, at: node, path: path)
                return
            }
            root[keyPath: keyPath] = value
        }
        readNode = { root in root[keyPath: keyPath].specNode }
    }

    /// Decodes `node` and stores it in `root`, or records diagnostics.
    public func decode(into root: inout Root, from node: Node, at path: SpecPath, context: inout DecodingContext) {
        decodeValue(&root, node, path, &context)
    }

    /// This key's value in `root`, as a node.
    public func node(in root: Root) -> Node {
        readNode(root)
    }

    /// The default value as a node (nil for required keys).
    public var defaultNode: Node? {
        isRequired ? nil : readNode(Root())
    }

    /// The default as one line of YAML (`0.05`, `[1, 2]`, `{type: l2}`); nil for required keys.
    public var defaultText: String? {
        defaultNode.map(emitFlowYAML)
    }

    /// The property schema: `description`, the value schema, and `default` unless required.
    public var jsonSchema: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("description", .string(doc))]
        members.append(contentsOf: valueSchema.members)
        if let defaultNode { members.append(("default", JSONValue(defaultNode))) }
        return .object(members)
    }
}
