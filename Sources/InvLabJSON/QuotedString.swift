/// Double-quoted string literals as JSON and YAML write them: both escape the quote, the
/// backslash, line feed, carriage return and tab alike, and differ in what else they escape.
public enum QuotedString {
    /// `text` between double quotes. `escape` gives the escape sequence of any other scalar that
    /// needs one (nil: the scalar is written as it is).
    public static func quoted(_ text: String, escapingOthers escape: (Unicode.Scalar) -> String?) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if let escaped = escape(scalar) { result += escaped } else { result.unicodeScalars.append(scalar) }
            }
        }
        return result + "\""
    }

    /// `prefix` and the scalar's value in hexadecimal, zero-padded to `digits` digits (`\u001f`).
    public static func hexEscape(_ prefix: String, _ scalar: Unicode.Scalar, digits: Int, uppercase: Bool = false) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: uppercase)
        return prefix + String(repeating: "0", count: max(0, digits - hex.count)) + hex
    }
}
