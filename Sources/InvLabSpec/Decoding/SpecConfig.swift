/// A configuration struct read from a mapping: the Core's sections and every plugin's options.
///
/// ```swift
/// struct TotalVariationConfig: SpecConfig {
///     var weight = 0.05
///     var norm: Norm = .l1
///     static var fields: [SpecField<Self>] { [
///         SpecField("weight", \.weight, doc: "Multiplier of the penalty.", range: 0...),
///         SpecField("norm", \.norm, doc: "Norm of the image gradients."),
///     ] }
/// }
/// ```
///
/// Decoding starts from `init()` (every default), overwrites the keys present, reports unknown
/// keys (with a suggestion), missing required keys and every bad value in one pass, then calls
/// `validate` for cross-field checks if the keys themselves were fine. A `null` value (an empty
/// section such as `optimizer:`) means "all defaults".
public protocol SpecConfig: SpecValue {
    /// The configuration with every default.
    init()

    /// The documented keys, in the order they appear in documentation and emitted specs.
    static var fields: [SpecField<Self>] { get }

    /// Cross-field checks, run after every key decoded without error. Report problems with
    /// `context.error(_:at:path:)`, pointing at `node[key] ?? node`. The default does nothing.
    func validate(at path: SpecPath, node: Node, context: inout DecodingContext)

    /// Keys the configuration used to have and no longer reads, each with a note that says where
    /// it went (e.g. under a nested plugin node). Such a key is reported as moved, with its note,
    /// instead of as unknown with a spelling suggestion. The default is none.
    static var movedKeys: [String: String] { get }
}

extension SpecConfig {
    public func validate(at path: SpecPath, node: Node, context: inout DecodingContext) {}

    public static var movedKeys: [String: String] { [:] }

    public static func decode(_ node: Node, at path: SpecPath, context: inout DecodingContext) -> Self? {
        if node.isNull { return decodeEntries([], in: node, at: path, context: &context) }
        guard let entries = node.entries else {
            context.typeMismatch(expected: typeDescription, got: node, path: path)
            return nil
        }
        return decodeEntries(entries, in: node, at: path, context: &context)
    }

    private static func decodeEntries(_ entries: [MappingEntry], in node: Node, at path: SpecPath,
                                      context: inout DecodingContext) -> Self? {
        let errorsBefore = context.errorCount
        let fields = Self.fields
        var value = Self()
        for entry in entries {
            let entryPath = path.appending(entry.key)
            guard let field = fields.first(where: { $0.name == entry.key }) else {
                if let note = movedKeys[entry.key] {
                    context.report(.error("key '\(entry.key)' has moved", at: entry.keyLocation, path: entryPath, notes: [note]))
                } else {
                    context.report(.unknownName("key", entry.key, known: fields.map(\.name), listLabel: "known keys",
                                                at: entry.keyLocation, path: entryPath))
                }
                continue
            }
            field.decode(into: &value, from: entry.value, at: entryPath, context: &context)
        }
        for field in fields where field.isRequired && !entries.contains(where: { $0.key == field.name }) {
            context.error("missing required key '\(field.name)'", at: node, path: path)
        }
        guard context.errorCount == errorsBefore else { return nil }
        value.validate(at: path, node: node, context: &context)
        return context.errorCount == errorsBefore ? value : nil
    }

    public static var typeDescription: String { "a mapping" }

    /// An object schema: `properties` (each with description, type and default), `required`,
    /// `additionalProperties: false`.
    public static var jsonSchema: JSONValue {
        var properties: [(key: String, value: JSONValue)] = []
        for field in fields where !properties.contains(where: { $0.key == field.name }) {
            properties.append((field.name, field.jsonSchema))
        }
        var schema: [(key: String, value: JSONValue)] = [("type", "object"), ("properties", .object(properties))]
        let required = fields.filter(\.isRequired).map { JSONValue.string($0.name) }
        if !required.isEmpty { schema.append(("required", .array(required))) }
        schema.append(("additionalProperties", false))
        return .object(schema)
    }

    /// Every field in declaration order (optional fields that are nil as `null`).
    public var specNode: Node {
        .mapping(Self.fields.map { MappingEntry(key: $0.name, value: $0.node(in: self)) })
    }
}

/// The configuration of a plugin that has no keys (`type: cost` and nothing else): any key given
/// is reported as unknown like for every other plugin.
public struct NoOptions: SpecConfig, Equatable {
    public init() {}
    public static var fields: [SpecField<Self>] { [] }
}
