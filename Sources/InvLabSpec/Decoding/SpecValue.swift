/// Anything that can be read from a spec node, described to users, described as JSON Schema,
/// and written back as a node.
///
/// Conformances: `Bool`, `Int`, `Double`, `Float`, `String`, `Array`, `Optional`,
/// `Dictionary<String, _>`, every `SpecEnum` and `SpecConfig`, `PluginNode`, `RawNode`, `Sweep`.
public protocol SpecValue {
    /// Reads a value from `node` (found at `path`), or records diagnostics in `context` and
    /// returns nil. Never traps on bad input.
    static func decode(_ node: Node, at path: SpecPath, context: inout DecodingContext) -> Self?

    /// What the type expects, as used in "expected <typeDescription>, got ...":
    /// "a number", "an integer", "a list of numbers", "a mapping".
    static var typeDescription: String { get }

    /// The plural used when this type is an element of a list: "numbers" in "a list of numbers".
    static var pluralTypeDescription: String { get }

    /// A JSON Schema fragment accepting what `decode` accepts.
    static var jsonSchema: JSONValue { get }

    /// The value written back as a node (for printing defaults and resolved specs).
    var specNode: Node { get }
}

extension SpecValue {
    /// Derived from `typeDescription`: "a number" -> "numbers", "an integer" -> "integers",
    /// "a list of numbers" -> "lists of numbers"; otherwise "values that are each <description>".
    public static var pluralTypeDescription: String {
        let description = typeDescription
        for article in ["a ", "an "] where description.hasPrefix(article) {
            let rest = description.dropFirst(article.count)
            let firstWordEnd = rest.firstIndex(where: { $0 == " " || $0 == "(" }) ?? rest.endIndex
            return String(rest[..<firstWordEnd]) + "s" + String(rest[firstWordEnd...])
        }
        return "values that are each \(description)"
    }
}
