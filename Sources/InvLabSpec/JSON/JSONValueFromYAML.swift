@_exported import InvLabJSON

/// The spec layer's JSON: `JSONValue` lives in InvLabJSON (shared with the file readers); every
/// module that imports InvLabSpec sees it too.
extension JSONValue {
    /// The JSON reading of a YAML node: scalars by their resolved value, lists as arrays,
    /// mappings as objects in key order.
    public init(_ node: Node) {
        switch node.content {
        case .scalar(let scalar):
            switch scalar.value {
            case .null: self = .null
            case .bool(let flag): self = .bool(flag)
            case .int(let integer): self = .integer(integer)
            case .float(let number): self = .number(number)
            case .string(let text): self = .string(text)
            }
        case .sequence(let items):
            self = .array(items.map(JSONValue.init))
        case .mapping(let entries):
            self = .object(entries.map { ($0.key, JSONValue($0.value)) })
        }
    }
}
