/// The header dictionary of a NumPy `.npy` file, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
///
/// The dictionary is a Python literal; this is a small strict parser for exactly the subset
/// NumPy writes (quoted strings, `True`/`False`, tuples of integers, optional Python 2 `L`
/// suffixes, any amount of whitespace, trailing commas), so no Python evaluation is involved.
struct NPYHeader: Equatable {
    var encoding: ScalarEncoding
    var bigEndian: Bool
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    static func parse(_ text: [UInt8], _ fail: FormatErrorFactory) throws -> NPYHeader {
        var parser = LiteralParser(bytes: text, fail: fail)
        let entries = try parser.parseDictionary()
        let keys = Set(entries.keys)
        guard keys == ["descr", "fortran_order", "shape"] else {
            throw fail.error("NPY header has keys \(keys.sorted()), expected exactly descr, fortran_order and shape")
        }
        guard case .string(let descr)? = entries["descr"] else {
            throw fail.error("NPY descr is not a string (structured dtypes are not supported), expected e.g. '<f4'")
        }
        guard case .bool(let fortran)? = entries["fortran_order"] else {
            throw fail.error("NPY fortran_order is not True or False")
        }
        guard case .tuple(let shape)? = entries["shape"] else {
            throw fail.error("NPY shape is not a tuple of integers")
        }
        let (encoding, bigEndian) = try parseDescr(descr, fail)
        return NPYHeader(encoding: encoding, bigEndian: bigEndian, descr: descr, fortranOrder: fortran, shape: shape)
    }

    /// `<f4`, `>f8`, `|u1`, `<i8`, `|b1`, ...: byte order, kind (f, i, u, b) and size.
    static func parseDescr(_ descr: String, _ fail: FormatErrorFactory) throws -> (ScalarEncoding, Bool) {
        let table: [String: ScalarEncoding] = [
            "f2": .float16, "f4": .float32, "f8": .float64, "i1": .int8, "i2": .int16, "i4": .int32, "i8": .int64,
            "u1": .uint8, "u2": .uint16, "u4": .uint32, "u8": .uint64, "b1": .bool,
        ]
        let chars = Array(descr)
        guard chars.count >= 3, "<>|=".contains(chars[0]), let encoding = table[String(chars.dropFirst())] else {
            throw fail.error("NPY dtype '\(descr)' is not supported, expected a byte order (<, >, |) and one of "
                + "f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1 (e.g. '<f4')")
        }
        guard chars[0] != "|" || encoding.size == 1 else {
            throw fail.error("NPY dtype '\(descr)' has no byte order but is \(encoding.size) bytes wide")
        }
        return (encoding, chars[0] == ">")
    }
}

/// A value in the header dictionary.
enum LiteralValue: Equatable {
    case string(String), bool(Bool), tuple([Int]), integer(Int)
}

/// Recursive-descent parser over the header bytes.
struct LiteralParser {
    let bytes: [UInt8]
    let fail: FormatErrorFactory
    var cursor = 0

    init(bytes: [UInt8], fail: FormatErrorFactory) {
        self.bytes = bytes
        self.fail = fail
    }

    mutating func parseDictionary() throws -> [String: LiteralValue] {
        try expect("{")
        var entries: [String: LiteralValue] = [:]
        while true {
            skipSpace()
            if peek() == UInt8(ascii: "}") { cursor += 1; break }
            let key = try parseString()
            try expect(":")
            let value = try parseValue()
            guard entries.updateValue(value, forKey: key) == nil else { throw problem("duplicate key '\(key)'") }
            skipSpace()
            if peek() == UInt8(ascii: ",") { cursor += 1; continue }
            try expect("}")
            break
        }
        skipSpace()
        guard cursor == bytes.count else { throw problem("unexpected text after the closing brace") }
        return entries
    }

    private mutating func parseValue() throws -> LiteralValue {
        skipSpace()
        guard let byte = peek() else { throw problem("header ends where a value should be") }
        if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") { return .string(try parseString()) }
        if byte == UInt8(ascii: "(") { return .tuple(try parseTuple()) }
        if consumeWord("True") { return .bool(true) }
        if consumeWord("False") { return .bool(false) }
        if PNMHeader.decimalDigit(byte) != nil { return .integer(try parseInteger()) }
        throw problem("unexpected \(PNMHeader.describe(byte)) where a value should be")
    }

    private mutating func parseString() throws -> String {
        skipSpace()
        guard let quote = peek(), quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else {
            throw problem("expected a quoted string")
        }
        cursor += 1
        let start = cursor
        while let byte = peek(), byte != quote {
            guard byte != UInt8(ascii: "\\") else { throw problem("escape sequences in strings are not supported") }
            cursor += 1
        }
        guard peek() == quote else { throw problem("unterminated string") }
        let text = String(decoding: bytes[start..<cursor], as: UTF8.self)
        cursor += 1
        return text
    }

    private mutating func parseTuple() throws -> [Int] {
        try expect("(")
        var values: [Int] = []
        while true {
            skipSpace()
            if peek() == UInt8(ascii: ")") { cursor += 1; return values }
            values.append(try parseInteger())
            skipSpace()
            if peek() == UInt8(ascii: ",") { cursor += 1; continue }
            try expect(")")
            return values
        }
    }

    private mutating func parseInteger() throws -> Int {
        skipSpace()
        var value = 0
        var digits = 0
        while let byte = peek(), let digit = PNMHeader.decimalDigit(byte) {
            digits += 1
            guard digits <= 18 else { throw problem("integer with more than 18 digits") }
            value = value * 10 + digit
            cursor += 1
        }
        guard digits > 0 else { throw problem("expected a non-negative integer") }
        if peek() == UInt8(ascii: "L") { cursor += 1 }
        return value
    }

    private mutating func expect(_ character: Character) throws {
        skipSpace()
        guard let byte = peek(), byte == character.asciiValue else {
            throw problem("expected '\(character)'")
        }
        cursor += 1
    }

    private mutating func consumeWord(_ word: String) -> Bool {
        let utf8 = Array(word.utf8)
        guard cursor + utf8.count <= bytes.count, Array(bytes[cursor..<(cursor + utf8.count)]) == utf8 else { return false }
        cursor += utf8.count
        return true
    }

    private mutating func skipSpace() {
        while let byte = peek(), PNMHeader.isWhitespace(byte) { cursor += 1 }
    }

    private func peek() -> UInt8? { cursor < bytes.count ? bytes[cursor] : nil }

    private func problem(_ what: String) -> FileFormatError {
        fail.error("NPY header is not a valid dictionary literal: \(what) at character \(cursor)")
    }
}
