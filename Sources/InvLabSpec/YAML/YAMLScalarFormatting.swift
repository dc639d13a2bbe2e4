/// How scalars are written when a node tree is emitted: plain when that reads back as the same
/// value, double-quoted (with escapes) otherwise.
enum YAMLScalarFormatting {
    /// YAML 1.1 booleans: strings under the core schema, but quoted on output so that older
    /// YAML tools reading an emitted spec do not turn them into booleans.
    private static let yaml11Booleans: Set<String> = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "on", "On", "ON", "off", "Off", "OFF",
    ]

    /// Text for `scalar` that reads back as the same value; `flow` selects flow-context rules
    /// (inside `[...]` or `{...}`).
    static func text(for scalar: Scalar, flow: Bool) -> String {
        let isPlainSource = scalar.style == .plain && scalar.tag == nil
        switch scalar.value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let integer): return isPlainSource ? scalar.text : String(integer)
        case .float(let number): return isPlainSource ? scalar.text : YAMLNumberFormat.text(for: number)
        case .string(let text): return string(text, flow: flow)
        }
    }

    /// A string value: plain if safe, else double-quoted.
    static func string(_ text: String, flow: Bool) -> String {
        canBePlain(text, flow: flow) ? text : doubleQuoted(text)
    }

    /// True when `text` written without quotes parses back as the same string.
    static func canBePlain(_ text: String, flow: Bool) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        if ScalarValue(resolvingPlain: text) != .string(text) || yaml11Booleans.contains(text) { return false }
        if "-?:,[]{}#&*!|>'\"%@`<=".unicodeScalars.contains(first) || text.hasPrefix("...") { return false }
        if first == " " || last == " " || last == ":" { return false }
        if text.contains(": ") || text.contains(" #") { return false }
        if flow, text.unicodeScalars.contains(where: { ",[]{}:#".unicodeScalars.contains($0) }) { return false }
        return text.unicodeScalars.allSatisfy { isPrintable($0) && $0 != "\t" }
    }

    /// A double-quoted YAML string with escapes for quotes, backslashes and control characters.
    static func doubleQuoted(_ text: String) -> String {
        QuotedString.quoted(text) { scalar in
            switch scalar {
            case "\u{0}": return "\\0"
            case "\u{85}": return "\\N"
            case "\u{2028}": return "\\L"
            case "\u{2029}": return "\\P"
            default:
                if isPrintable(scalar) { return nil }
                return scalar.value <= 0xFF ? QuotedString.hexEscape("\\x", scalar, digits: 2, uppercase: true)
                    : QuotedString.hexEscape("\\u", scalar, digits: 4, uppercase: true)
            }
        }
    }

    /// Characters safe to write unescaped: YAML's c-printable minus the BOM and minus the
    /// line and paragraph separators, which YAML 1.1 readers (libyaml) treat as line breaks.
    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x2028, 0x2029: return false
        case 0x20...0x7E, 0xA0...0xD7FF, 0xE000...0xFEFE, 0xFF00...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }
}
