/// Deterministic JSON text for `JSONValue`.
extension JSONValue {
    /// JSON text: with `pretty`, two-space indentation and one member per line (`"key": value`);
    /// otherwise compact. Keys keep their order; no trailing line break.
    public func serialized(pretty: Bool = true) -> String {
        var output = ""
        write(to: &output, indent: 0, pretty: pretty)
        return output
    }

    private func write(to output: inout String, indent: Int, pretty: Bool) {
        switch self {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .integer(let integer): output += String(integer)
        case .number(let number): output += JSONValue.numberText(number)
        case .string(let text): output += JSONValue.quoted(text)
        case .array(let items):
            writeContainer(items.map { (nil, $0) }, open: "[", close: "]", to: &output, indent: indent, pretty: pretty)
        case .object(let members):
            writeContainer(members.map { (Optional($0.key), $0.value) }, open: "{", close: "}", to: &output,
                           indent: indent, pretty: pretty)
        }
    }

    private func writeContainer(_ elements: [(String?, JSONValue)], open: String, close: String,
                                to output: inout String, indent: Int, pretty: Bool) {
        guard !elements.isEmpty else {
            output += open + close
            return
        }
        output += open
        let inner = String(repeating: "  ", count: indent + 1)
        for (position, (key, value)) in elements.enumerated() {
            if position > 0 { output += "," }
            if pretty { output += "\n" + inner }
            if let key { output += JSONValue.quoted(key) + (pretty ? ": " : ":") }
            value.write(to: &output, indent: indent + 1, pretty: pretty)
        }
        if pretty { output += "\n" + String(repeating: "  ", count: indent) }
        output += close
    }

    /// Integral values within ±2^53 without a fraction; others in shortest round-trip form;
    /// NaN and infinities as `null`.
    static func numberText(_ number: Double) -> String {
        guard number.isFinite else { return "null" }
        if number == number.rounded(), abs(number) <= 9_007_199_254_740_992 {
            return String(Int(number))
        }
        let text = "\(number)"
        return text.hasPrefix(".") ? "0" + text : text
    }

    /// A JSON string literal with the mandatory escapes (RFC 8259 section 7).
    public static func quoted(_ text: String) -> String {
        QuotedString.quoted(text) { scalar in
            switch scalar {
            case "\u{08}": return "\\b"
            case "\u{0C}": return "\\f"
            default: return scalar.value < 0x20 ? QuotedString.hexEscape("\\u", scalar, digits: 4) : nil
            }
        }
    }
}
