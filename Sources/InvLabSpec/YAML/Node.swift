/// One node of a parsed spec: a scalar, a list or a mapping, with the location where it starts.
///
/// Nodes are immutable values (cheap to copy: children live in copy-on-write arrays). The
/// loader builds them from libyaml events, the composer merges them, overrides replace parts of
/// them, and the decoder turns them into typed configuration, reporting problems at
/// `location`.
public struct Node: Sendable, Equatable, CustomStringConvertible {
    /// What a node holds.
    public enum Content: Sendable {
        /// A leaf value.
        case scalar(Scalar)
        /// A list, in order.
        case sequence([Node])
        /// A mapping, in source order (keys unique when loaded from a file).
        case mapping([MappingEntry])
    }

    /// The scalar, list items or mapping entries.
    public let content: Content
    /// Where the node starts (for mappings and lists: their first character or first key).
    public let location: SourceLocation

    /// Creates a node.
    public init(_ content: Content, at location: SourceLocation = .generated) {
        self.content = content
        self.location = location
    }

    // MARK: Building nodes in code

    /// A scalar with the given text and style (the text is resolved as YAML would resolve it).
    public static func scalar(_ text: String, style: ScalarStyle = .plain, tag: ScalarTag? = nil,
                              at location: SourceLocation = .generated) -> Node {
        Node(.scalar(Scalar(text: text, style: style, tag: tag)), at: location)
    }

    /// A string scalar that stays a string whatever its text (`"yes"`, `"1"`).
    public static func string(_ text: String, at location: SourceLocation = .generated) -> Node {
        scalar(text, style: .doubleQuoted, at: location)
    }

    /// A scalar holding `value`, written in canonical text (`null`, `true`, `42`, `0.5`).
    public static func value(_ value: ScalarValue, at location: SourceLocation = .generated) -> Node {
        switch value {
        case .null: return scalar("null", at: location)
        case .bool(let flag): return scalar(flag ? "true" : "false", at: location)
        case .int(let integer): return scalar(String(integer), at: location)
        case .float(let number): return scalar(YAMLNumberFormat.text(for: number), at: location)
        case .string(let text): return string(text, at: location)
        }
    }

    /// The null scalar.
    public static func null(at location: SourceLocation = .generated) -> Node {
        value(.null, at: location)
    }

    /// A list.
    public static func sequence(_ items: [Node], at location: SourceLocation = .generated) -> Node {
        Node(.sequence(items), at: location)
    }

    /// A mapping with entries in the given order (keys should be unique).
    public static func mapping(_ entries: [MappingEntry], at location: SourceLocation = .generated) -> Node {
        Node(.mapping(entries), at: location)
    }

    /// A mapping from (key, value) pairs; key locations are the values' locations.
    public static func mapping(_ pairs: KeyValuePairs<String, Node>, at location: SourceLocation = .generated) -> Node {
        mapping(pairs.map { MappingEntry(key: $0.key, keyLocation: $0.value.location, value: $0.value) }, at: location)
    }

    // MARK: Reading nodes

    /// The scalar, if this node is one.
    public var scalar: Scalar? {
        if case .scalar(let scalar) = content { return scalar }
        return nil
    }

    /// The scalar's source text, if this node is a scalar.
    public var scalarText: String? { scalar?.text }

    /// The scalar's resolved value, if this node is a scalar.
    public var scalarValue: ScalarValue? { scalar?.value }

    /// The string value, if this node is a scalar that resolves to a string.
    public var stringValue: String? {
        if case .string(let text)? = scalarValue { return text }
        return nil
    }

    /// True for a scalar that resolves to null (`null`, `~`, empty).
    public var isNull: Bool { scalarValue == .null }

    /// The items, if this node is a list.
    public var items: [Node]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The entries in source order, if this node is a mapping.
    public var entries: [MappingEntry]? {
        if case .mapping(let entries) = content { return entries }
        return nil
    }

    /// The entry for `key`, if this node is a mapping that has it.
    public func entry(_ key: String) -> MappingEntry? {
        entries?.first { $0.key == key }
    }

    /// The value for `key`, if this node is a mapping that has it.
    public subscript(key: String) -> Node? {
        entry(key)?.value
    }

    /// The item at `index`, if this node is a list that long.
    public subscript(index: Int) -> Node? {
        guard let items, items.indices.contains(index) else { return nil }
        return items[index]
    }

    /// A mapping without the entry for `key` (other nodes are returned unchanged).
    public func removingEntry(_ key: String) -> Node {
        guard let entries else { return self }
        return Node(.mapping(entries.filter { $0.key != key }), at: location)
    }

    /// What the node is, for messages: "a mapping", "a list", "null", "a string 'abc'",
    /// "an integer 3", "a number 1.5", "a boolean true" (long strings are shortened).
    public var kindDescription: String {
        switch content {
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .scalar(let scalar):
            switch scalar.value {
            case .null: return "null"
            case .bool(let flag): return "a boolean \(flag)"
            case .int(let integer): return "an integer \(integer)"
            case .float: return "a number \(scalar.text)"
            case .string(let text):
                let shown = text.count > 40 ? String(text.prefix(37)) + "..." : text
                return "a string '\(shown)'"
            }
        }
    }

    /// The node as one line of flow-style YAML (for messages and documentation).
    public var description: String { emitFlowYAML(self) }

    /// Structural equality that ignores locations and compares scalars by resolved value
    /// (`0x10` equals `16`, `"a"` equals `a`, NaN equals NaN).
    public static func == (lhs: Node, rhs: Node) -> Bool {
        switch (lhs.content, rhs.content) {
        case let (.scalar(left), .scalar(right)):
            return left.value.sameValue(as: right.value)
        case let (.sequence(left), .sequence(right)):
            return left == right
        case let (.mapping(left), .mapping(right)):
            return left == right
        default:
            return false
        }
    }
}

/// One `key: value` pair of a mapping, with the location of the key (where "unknown key"
/// diagnostics point).
public struct MappingEntry: Sendable, Equatable {
    /// The key's text.
    public let key: String
    /// Where the key starts.
    public let keyLocation: SourceLocation
    /// The value.
    public let value: Node

    /// Creates an entry.
    public init(key: String, keyLocation: SourceLocation = .generated, value: Node) {
        self.key = key
        self.keyLocation = keyLocation
        self.value = value
    }

    /// The same key with another value.
    public func replacingValue(with value: Node) -> MappingEntry {
        MappingEntry(key: key, keyLocation: keyLocation, value: value)
    }

    /// Equal keys and equal values (see `Node.==`); locations are ignored.
    public static func == (lhs: MappingEntry, rhs: MappingEntry) -> Bool {
        lhs.key == rhs.key && lhs.value == rhs.value
    }
}

/// A scalar's source text, how it was written, and its resolved value.
public struct Scalar: Sendable, Equatable {
    /// The text after YAML unquoting/unescaping.
    public let text: String
    /// Plain, quoted or block style.
    public let style: ScalarStyle
    /// An explicit `!!type` tag, if one was written.
    public let tag: ScalarTag?
    /// The core-schema value (quoted and block scalars are strings). An explicit tag whose
    /// text does not fit it (rejected by the loader) resolves as a string.
    public let value: ScalarValue

    /// Creates a scalar and resolves its value.
    public init(text: String, style: ScalarStyle = .plain, tag: ScalarTag? = nil) {
        self.text = text
        self.style = style
        self.tag = tag
        if let tag {
            value = ScalarValue(resolving: text, tag: tag) ?? .string(text)
        } else if style == .plain {
            value = ScalarValue(resolvingPlain: text)
        } else {
            value = .string(text)
        }
    }
}

/// How a scalar was written; only plain scalars are resolved to non-string types.
public enum ScalarStyle: Sendable, Equatable {
    /// Unquoted: resolved with the core schema.
    case plain
    /// `'text'`.
    case singleQuoted
    /// `"text"`.
    case doubleQuoted
    /// `|` block.
    case literal
    /// `>` block.
    case folded
}

extension ScalarValue {
    /// Equality where NaN equals NaN (so that trees holding `.nan` compare equal to themselves).
    func sameValue(as other: ScalarValue) -> Bool {
        if case .float(let left) = self, case .float(let right) = other, left.isNaN, right.isNaN { return true }
        return self == other
    }
}
