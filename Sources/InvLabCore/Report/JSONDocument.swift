import Foundation
import InvLabSpec

/// A parsed JSON value, read with `JSONDecoder` (so booleans and numbers stay apart on every
/// platform): how reports read `run.json` without knowing its every key.
public indirect enum JSONDocument: Decodable, Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONDocument])
    case object([String: JSONDocument])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let list = try? container.decode([JSONDocument].self) {
            self = .array(list)
        } else {
            self = .object(try container.decode([String: JSONDocument].self))
        }
    }

    /// Parses a JSON text.
    public static func parse(_ data: Data) throws -> JSONDocument {
        try JSONDecoder().decode(JSONDocument.self, from: data)
    }

    /// The member named `key` of an object.
    public subscript(key: String) -> JSONDocument? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// Scalars as text (numbers as in the tables, booleans as `true`/`false`); containers as
    /// compact JSON with sorted keys; null as empty.
    public var text: String {
        switch self {
        case .null: return ""
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return formatNumber(number)
        case .string(let text): return text
        case .array, .object: return json
        }
    }

    /// Compact JSON with sorted keys.
    public var json: String {
        switch self {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return number.isFinite ? formatNumber(number) : "null"
        case .string(let text): return Self.quoted(text)
        case .array(let list): return "[" + list.map(\.json).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.keys.sorted().map { Self.quoted($0) + ":" + members[$0]!.json }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal (the escaping of the spec module's JSON writer).
    static func quoted(_ text: String) -> String { JSONValue.string(text).serialized(pretty: false) }
}
