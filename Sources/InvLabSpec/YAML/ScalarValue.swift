/// The typed meaning of a YAML scalar under the YAML 1.2 core schema.
///
/// Plain (unquoted) scalars are resolved by their text: `null`, `~` and the empty scalar are
/// null; only `true`/`false` (three capitalisations) are booleans, so `yes`, `no`, `on`, `off`
/// stay strings; decimal, `0o` octal and `0x` hex integers; decimal floats, `.inf`, `.nan`.
/// Quoted and block scalars are always strings. Explicit `!!str`, `!!int`, `!!float`, `!!bool`
/// and `!!null` tags force a type.
public enum ScalarValue: Sendable, Equatable, CustomStringConvertible {
    /// `null`, `Null`, `NULL`, `~`, or nothing.
    case null
    /// `true`/`false` in three capitalisations.
    case bool(Bool)
    /// A decimal, `0o` octal or `0x` hexadecimal integer that fits in 64 bits.
    case int(Int)
    /// A decimal float, `.inf` or `.nan` (synthesized `==` follows IEEE: NaN != NaN).
    case float(Double)
    /// Everything else, and every quoted or block scalar.
    case string(String)

    /// Resolves the text of a plain scalar with the core schema. An integer too large for
    /// 64 bits resolves to the nearest float (the loader reports such literals as errors).
    public init(resolvingPlain text: String) {
        if let value = CoreSchema.null(text) ?? CoreSchema.bool(text) ?? CoreSchema.int(text)
            ?? CoreSchema.float(text) {
            self = value
        } else {
            self = .string(text)
        }
    }

    /// Resolves a scalar with an explicit tag; nil when the text is not valid for the tag
    /// (e.g. `!!int abc`).
    public init?(resolving text: String, tag: ScalarTag) {
        switch tag {
        case .str: self = .string(text)
        case .null:
            guard let value = CoreSchema.null(text) else { return nil }
            self = value
        case .bool:
            guard let value = CoreSchema.bool(text) else { return nil }
            self = value
        case .int:
            guard let value = CoreSchema.int(text) else { return nil }
            self = value
        case .float:
            if let value = CoreSchema.float(text) {
                self = value
            } else if case .int(let integer)? = CoreSchema.int(text) {
                self = .float(Double(integer))
            } else {
                return nil
            }
        }
    }

    /// The value as a `Double` for ints and floats; nil otherwise.
    public var number: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .float(let value): return value
        default: return nil
        }
    }

    /// Short readable form used in messages: `null`, `true`, `42`, `0.5`, `'text'`.
    public var description: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .float(let value): return YAMLNumberFormat.text(for: value)
        case .string(let value): return "'\(value)'"
        }
    }
}

/// The explicit tags a spec may use on scalars (`!!str 42`).
public enum ScalarTag: String, Sendable, Equatable, CaseIterable {
    /// `!!str` (also the non-specific tag `!`).
    case str
    /// `!!int`.
    case int
    /// `!!float` (integers are accepted and converted).
    case float
    /// `!!bool`.
    case bool
    /// `!!null`.
    case null

    /// The tag for libyaml's resolved tag text (`tag:yaml.org,2002:int`), or `!` (non-specific,
    /// meaning string); nil for any other tag.
    init?(yamlTag: String) {
        let prefix = "tag:yaml.org,2002:"
        if yamlTag == "!" {
            self = .str
        } else if yamlTag.hasPrefix(prefix), let tag = ScalarTag(rawValue: String(yamlTag.dropFirst(prefix.count))) {
            self = tag
        } else {
            return nil
        }
    }
}

/// The core-schema regular expressions, written as small hand-rolled matchers (no regex
/// engine needed, and no surprises from locale-dependent number parsing).
enum CoreSchema {
    static func null(_ text: String) -> ScalarValue? {
        ["", "~", "null", "Null", "NULL"].contains(text) ? .null : nil
    }

    static func bool(_ text: String) -> ScalarValue? {
        switch text {
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: return nil
        }
    }

    /// `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`; too-large values become floats.
    static func int(_ text: String) -> ScalarValue? {
        let bytes = Array(text.utf8)
        if bytes.count > 2, bytes[0] == UInt8(ascii: "0") {
            let digits = String(decoding: bytes[2...], as: UTF8.self)
            if bytes[1] == UInt8(ascii: "o"), bytes[2...].allSatisfy({ (0x30...0x37).contains($0) }) {
                return integer(digits, radix: 8)
            }
            if bytes[1] == UInt8(ascii: "x"), bytes[2...].allSatisfy(isHexDigit) {
                return integer(digits, radix: 16)
            }
        }
        var body = bytes[...]
        if let first = body.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { body = body.dropFirst() }
        guard !body.isEmpty, body.allSatisfy(isDigit) else { return nil }
        return integer(text, radix: 10)
    }

    /// True when `text` matches an integer pattern but does not fit in 64 bits.
    static func isOverflowingInt(_ text: String) -> Bool {
        if case .float? = int(text) { return true }
        return false
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?.inf` (3 spellings), `.nan`.
    static func float(_ text: String) -> ScalarValue? {
        var body = Substring(text)
        var sign = 1.0
        if let first = body.first, first == "-" || first == "+" {
            sign = first == "-" ? -1 : 1
            body = body.dropFirst()
        }
        if [".inf", ".Inf", ".INF"].contains(body) { return .float(sign * .infinity) }
        if [".nan", ".NaN", ".NAN"].contains(text) { return .float(.nan) }
        guard matchesDecimalFloat(Array(body.utf8)), let value = Double(text) else { return nil }
        return .float(value)
    }

    private static func matchesDecimalFloat(_ bytes: [UInt8]) -> Bool {
        var position = 0
        func skipDigits() -> Int {
            let start = position
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            return position - start
        }
        let integerDigits = skipDigits()
        var fractionDigits = 0
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            fractionDigits = skipDigits()
        }
        if integerDigits == 0 && fractionDigits == 0 { return false }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "-") || bytes[position] == UInt8(ascii: "+") {
                position += 1
            }
            if skipDigits() == 0 { return false }
        }
        return position == bytes.count
    }

    private static func integer(_ digits: String, radix: Int) -> ScalarValue {
        if let value = Int(digits, radix: radix) { return .int(value) }
        var magnitude = 0.0
        var negative = false
        for character in digits {
            if character == "-" { negative = true; continue }
            if let digit = character.hexDigitValue { magnitude = magnitude * Double(radix) + Double(digit) }
        }
        return .float(negative ? -magnitude : magnitude)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }
}
