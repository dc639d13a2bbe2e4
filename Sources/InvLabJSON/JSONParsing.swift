import Foundation

/// Reading JSON (run.json, results) into the one JSON type: `JSONDecoder` keeps booleans and
/// numbers apart on every platform. Object members come back sorted by key (a decoder does not
/// keep the file's order); integral numbers without a fraction come back as `.integer`.
extension JSONValue: Decodable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let integer = try? container.decode(Int.self) {
            self = .integer(integer)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let list = try? container.decode([JSONValue].self) {
            self = .array(list)
        } else {
            let members = try container.decode([String: JSONValue].self)
            self = .object(members.keys.sorted().map { ($0, members[$0]!) })
        }
    }

    /// Parses a JSON text.
    public static func parse(_ data: Data) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// A number's value (integers included), nil for other values.
    public var doubleValue: Double? {
        switch self {
        case .integer(let integer): return Double(integer)
        case .number(let number): return number
        default: return nil
        }
    }

    /// A string's text, nil for other values.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The items of an array (empty for other values).
    public var items: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }
}
