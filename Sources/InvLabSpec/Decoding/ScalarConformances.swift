/// `SpecValue` for the scalar types: `Bool`, `Int`, `Double`, `Float`, `String`.

extension Bool: SpecValue {
    /// Accepts `true`/`false` (also `True`, `TRUE`, ...). `yes`/`no`/`on`/`off` are strings in
    /// YAML 1.2 and are rejected with a hint.
    public static func decode(_ node: Node, at path: SpecPath, context: inout DecodingContext) -> Bool? {
        if case .bool(let flag)? = node.scalarValue { return flag }
        var notes: [String] = []
        if let text = node.stringValue, ["yes", "no", "on", "off", "y", "n"].contains(text.lowercased()) {
            notes.append("YAML 1.2 reads '\(text)' as text; write true or false")
        }
        context.typeMismatch(expected: typeDescription, got: node, path: path, notes: notes)
        return nil
    }

    public static var typeDescription: String { "a boolean" }
    public static var jsonSchema: JSONValue { ["type": "boolean"] }
    public var specNode: Node { .value(.bool(self)) }
}

extension Int: SpecValue {
    /// Accepts integers, and floats with an integral value that fits (`1e4` for 10000);
    /// rejects fractions such as `1.5`.
    public static func decode(_ node: Node, at path: SpecPath, context: inout DecodingContext) -> Int? {
        switch node.scalarValue {
        case .int(let integer)?:
            return integer
        case .float(let number)? where number.isFinite && number == number.rounded()
            && number >= -9.2e18 && number <= 9.2e18:
            return Int(number)
        default:
            context.typeMismatch(expected: typeDescription, got: node, path: path)
            return nil
        }
    }

    public static var typeDescription: String { "an integer" }
    public static var jsonSchema: JSONValue { ["type": "integer"] }
    public var specNode: Node { .value(.int(self)) }
}

extension Double: SpecValue {
    /// Accepts integers and floats (including `.inf` and `.nan`; use a range to exclude them).
    public static func decode(_ node: Node, at path: SpecPath, context: inout DecodingContext) -> Double? {
        if let number = node.scalarValue?.number { return number }
        context.typeMismatch(expected: typeDescription, got: node, path: path)
        return nil
    }

    public static var typeDescription: String { "a number" }
    public static var jsonSchema: JSONValue { ["type": "number"] }
    public var specNode: Node { .value(.float(self)) }
}

extension Float: SpecValue {
    /// Accepts what `Double` accepts, if the magnitude fits in a 32-bit float.
    public static func decode(_ node: Node, at path: SpecPath, context: inout DecodingContext) -> Float? {
        guard let number = Double.decode(node, at: path, context: &context) else { return nil }
        if number.isFinite, abs(number) > Double(Float.greatestFiniteMagnitude) {
            context.error("number \(node.scalarText ?? "") is too large for a 32-bit float", at: node, path: path)
            return nil
        }
        return Float(number)
    }

    public static var typeDescription: String { "a number" }
    public static var jsonSchema: JSONValue { ["type": "number"] }
    /// Written with the shortest text that reads back as this `Float` (`0.05`, not `0.0500000007`).
    public var specNode: Node { .value(.float(Double("\(self)") ?? Double(self))) }
}

extension String: SpecValue {
    /// Accepts strings only: a plain `2024` or `true` is a number or a boolean in YAML, and the
    /// message suggests quoting it.
    public static func decode(_ node: Node, at path: SpecPath, context: inout DecodingContext) -> String? {
        if let text = node.stringValue { return text }
        var notes: [String] = []
        if let text = node.scalarText, node.scalarValue != .null {
            notes.append("write \"\(text)\" in quotes if you mean the text")
        }
        context.typeMismatch(expected: typeDescription, got: node, path: path, notes: notes)
        return nil
    }

    public static var typeDescription: String { "a string" }
    public static var jsonSchema: JSONValue { ["type": "string"] }
    public var specNode: Node { .string(self) }
}
