/// A JSON document with ordered object keys: what JSON Schema fragments and `run.json` are
/// built from. Serialization is deterministic (see `serialized(pretty:)`).
public enum JSONValue: Sendable, Equatable, CustomStringConvertible {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An exact integer (printed without a fraction).
    case integer(Int)
    /// A floating-point number (integral values print without `.0`; NaN and infinities print
    /// as `null`, since JSON cannot express them).
    case number(Double)
    /// A string (escaped on output).
    case string(String)
    /// An array.
    case array([JSONValue])
    /// Members in insertion order; keys should be unique.
    case object([(key: String, value: JSONValue)])

    /// The member named `key`, if this is an object that has it.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// An object with `value` stored under `key`: replaced in place if present, appended if not.
    /// Non-objects are returned unchanged.
    public func setting(_ key: String, to value: JSONValue) -> JSONValue {
        guard case .object(var members) = self else { return self }
        if let position = members.firstIndex(where: { $0.key == key }) {
            members[position] = (key, value)
        } else {
            members.append((key, value))
        }
        return .object(members)
    }

    /// The members of an object (empty for other values).
    public var members: [(key: String, value: JSONValue)] {
        if case .object(let members) = self { return members }
        return []
    }

    /// Order-sensitive equality (two objects with the same members in another order differ);
    /// `.integer(1)` equals `.number(1.0)`, as in JSON.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(left), .bool(right)): return left == right
        case let (.integer(left), .integer(right)): return left == right
        case let (.number(left), .number(right)): return left == right || (left.isNaN && right.isNaN)
        case let (.integer(left), .number(right)), let (.number(right), .integer(left)): return Double(left) == right
        case let (.string(left), .string(right)): return left == right
        case let (.array(left), .array(right)): return left == right
        case let (.object(left), .object(right)):
            return left.count == right.count && zip(left, right).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// Pretty-printed JSON.
    public var description: String { serialized(pretty: true) }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral {
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Members keep the order in which they are written in the literal.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(elements.map { (key: $0.0, value: $0.1) })
    }
}
