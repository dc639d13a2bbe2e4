import Foundation
import InvLabSpec

extension JSONValue {
    /// Scalars as text (numbers as in the tables, booleans as `true`/`false`); containers as
    /// compact JSON with sorted keys; null as empty. How reports show run.json values.
    public var text: String {
        switch self {
        case .null: return ""
        case .bool(let flag): return flag ? "true" : "false"
        case .integer(let integer): return formatNumber(Double(integer))
        case .number(let number): return formatNumber(number)
        case .string(let text): return text
        case .array, .object: return sortedJSON
        }
    }

    /// Compact JSON with sorted keys, numbers as in the tables (non-finite as null).
    public var sortedJSON: String {
        switch self {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .integer(let integer): return formatNumber(Double(integer))
        case .number(let number): return number.isFinite ? formatNumber(number) : "null"
        case .string: return serialized(pretty: false)
        case .array(let list): return "[" + list.map(\.sortedJSON).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.sorted { $0.key < $1.key }.map { JSONValue.string($0.key).serialized(pretty: false) + ":" + $0.value.sortedJSON }
                .joined(separator: ",") + "}"
        }
    }
}
