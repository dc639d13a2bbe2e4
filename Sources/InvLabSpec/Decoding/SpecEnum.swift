/// A closed set of string values, e.g. `enum OptimizerKind: String, SpecEnum { case sgd, adam }`.
///
/// Decoding, messages ("unknown value 'adamw'" with "did you mean 'adam'?" or the list of
/// values) and the JSON Schema `enum` come for free from the cases.
public protocol SpecEnum: SpecValue, CaseIterable, RawRepresentable where RawValue == String {}

extension SpecEnum {
    /// The accepted spellings, in case order.
    public static var knownValues: [String] { allCases.map(\.rawValue) }

    /// Matches the scalar's text against the raw values (so `16` matches a case "16").
    public static func decode(_ node: Node, at path: SpecPath, context: inout DecodingContext) -> Self? {
        guard let text = node.scalarText, !node.isNull else {
            context.typeMismatch(expected: typeDescription, got: node, path: path)
            return nil
        }
        if let value = Self(rawValue: text) { return value }
        context.report(.unknownName("value", text, known: knownValues, listLabel: "expected one of",
                                    at: node.location, path: path))
        return nil
    }

    public static var typeDescription: String { "a string (one of: \(knownValues.joined(separator: ", ")))" }
    public static var pluralTypeDescription: String { "strings (each one of: \(knownValues.joined(separator: ", ")))" }
    public static var jsonSchema: JSONValue { ["type": "string", "enum": .array(knownValues.map(JSONValue.string))] }
    public var specNode: Node { .string(rawValue) }
}
