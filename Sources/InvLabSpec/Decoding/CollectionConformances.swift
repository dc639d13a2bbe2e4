/// `SpecValue` for `Array`, `Optional` and `Dictionary<String, _>`.

extension Array: SpecValue where Element: SpecValue {
    /// Accepts a list; every element is decoded (all element errors are reported).
    public static func decode(_ node: Node, at path: SpecPath, context: inout DecodingContext) -> [Element]? {
        guard let items = node.items else {
            context.typeMismatch(expected: typeDescription, got: node, path: path)
            return nil
        }
        var result: [Element] = []
        result.reserveCapacity(items.count)
        var failed = false
        for (index, item) in items.enumerated() {
            if let element = Element.decode(item, at: path.appending(index: index), context: &context) {
                result.append(element)
            } else {
                failed = true
            }
        }
        return failed ? nil : result
    }

    public static var typeDescription: String { "a list of \(Element.pluralTypeDescription)" }
    public static var jsonSchema: JSONValue { ["type": "array", "items": Element.jsonSchema] }
    public var specNode: Node { .sequence(map(\.specNode)) }
}

extension Optional: SpecValue where Wrapped: SpecValue {
    /// `null` (or `~`, or an empty value) is nil; anything else is decoded as `Wrapped`.
    /// A missing key leaves the field's default, which for optionals is usually nil.
    public static func decode(_ node: Node, at path: SpecPath, context: inout DecodingContext) -> Wrapped?? {
        if node.isNull { return .some(nil) }
        guard let value = Wrapped.decode(node, at: path, context: &context) else { return nil }
        return .some(value)
    }

    public static var typeDescription: String { "\(Wrapped.typeDescription) or null" }
    public static var pluralTypeDescription: String { "\(Wrapped.pluralTypeDescription) or nulls" }
    public static var jsonSchema: JSONValue { ["anyOf": [Wrapped.jsonSchema, ["type": "null"]]] }
    public var specNode: Node { map(\.specNode) ?? .null() }
}

extension Dictionary: SpecValue where Key == String, Value: SpecValue {
    /// Accepts a mapping with arbitrary keys; every value is decoded.
    public static func decode(_ node: Node, at path: SpecPath, context: inout DecodingContext) -> [String: Value]? {
        guard let entries = node.entries else {
            context.typeMismatch(expected: typeDescription, got: node, path: path)
            return nil
        }
        var result: [String: Value] = [:]
        var failed = false
        for entry in entries {
            if let value = Value.decode(entry.value, at: path.appending(entry.key), context: &context) {
                result[entry.key] = value
            } else {
                failed = true
            }
        }
        return failed ? nil : result
    }

    public static var typeDescription: String { "a mapping whose values are \(Value.pluralTypeDescription)" }
    public static var pluralTypeDescription: String { "mappings whose values are \(Value.pluralTypeDescription)" }
    public static var jsonSchema: JSONValue { ["type": "object", "additionalProperties": Value.jsonSchema] }
    /// Keys sorted, so the output does not depend on hashing order.
    public var specNode: Node {
        .mapping(keys.sorted().compactMap { key in self[key].map { MappingEntry(key: key, value: $0.specNode) } })
    }
}
