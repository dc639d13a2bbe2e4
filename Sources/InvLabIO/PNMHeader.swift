import Foundation

/// The header of a Netpbm grey (PGM) or colour (PPM) image: magic, width, height, maxval.
///
/// Supported: `P5`/`P6` (binary) and `P2`/`P3` (ASCII); maxval 1...65535 (two big-endian bytes
/// per sample above 255); `#` comments between header fields. Parsing is strict about the one
/// whitespace byte that separates maxval from binary pixel data: it is not skipped twice, so
/// a `\r\n` there is seen as a corrupted file (see the ORL repair in the Datasets module).
public struct PNMHeader: Equatable, Sendable {
    /// The four Netpbm variants this reader accepts.
    public enum Kind: String, Sendable {
        case asciiGrey = "P2", asciiRGB = "P3", binaryGrey = "P5", binaryRGB = "P6"

        /// 1 for PGM, 3 for PPM.
        public var channels: Int { (self == .asciiGrey || self == .binaryGrey) ? 1 : 3 }
        /// True for P5/P6.
        public var isBinary: Bool { self == .binaryGrey || self == .binaryRGB }
        /// `PGM` or `PPM`, used in error messages.
        public var formatName: String { channels == 1 ? "PGM" : "PPM" }
    }

    public var kind: Kind
    public var width: Int
    public var height: Int
    /// The largest sample value (white); samples are divided by it to land in [0, 1].
    public var maxValue: Int
    /// Byte offset of the first pixel sample (binary) or of the first pixel token (ASCII).
    public var payloadOffset: Int

    /// 1 below maxval 256, else 2.
    public var bytesPerSample: Int { maxValue < 256 ? 1 : 2 }

    /// Parses the header at the start of `bytes`; `path` names the file in errors.
    public static func parse(_ bytes: [UInt8], path: String) throws -> PNMHeader {
        var fail = FormatErrorFactory(path: path, format: "PNM")
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "P"),
              let kind = Kind(rawValue: "P" + String(UnicodeScalar(bytes[1]))) else {
            let shown = bytes.prefix(2).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw fail.error("not a PGM/PPM file: magic bytes are [\(shown)], expected P2, P3, P5 or P6")
        }
        fail = FormatErrorFactory(path: path, format: kind.formatName)
        var cursor = 2
        let width = try readNumber(bytes, &cursor, field: "width", kind: kind, fail)
        let height = try readNumber(bytes, &cursor, field: "height", kind: kind, fail)
        let maxValue = try readNumber(bytes, &cursor, field: "maxval", kind: kind, fail)
        guard (1...65535).contains(maxValue) else {
            throw fail.error("\(kind.formatName) maxval is \(maxValue), expected 1...65535")
        }
        // Exactly one whitespace byte ends the header.
        guard cursor < bytes.count, isWhitespace(bytes[cursor]) else {
            throw fail.error("\(kind.formatName) header has no whitespace after maxval \(maxValue)")
        }
        return PNMHeader(kind: kind, width: width, height: height, maxValue: maxValue, payloadOffset: cursor + 1)
    }

    /// Skips whitespace and comments, then reads a decimal number of at most 9 digits.
    private static func readNumber(_ bytes: [UInt8], _ cursor: inout Int, field: String, kind: Kind,
                                   _ fail: FormatErrorFactory) throws -> Int {
        let start = cursor
        skipWhitespaceAndComments(bytes, &cursor)
        guard cursor < bytes.count else {
            throw fail.error("\(kind.formatName) header ends early, expected the \(field)")
        }
        guard cursor > start else {
            throw fail.error("\(kind.formatName) header needs whitespace before the \(field)")
        }
        var value = 0
        var digits = 0
        while cursor < bytes.count, let digit = decimalDigit(bytes[cursor]) {
            digits += 1
            guard digits <= 9 else { throw fail.error("\(kind.formatName) \(field) has more than 9 digits") }
            value = value * 10 + digit
            cursor += 1
        }
        guard digits > 0 else {
            throw fail.error("\(kind.formatName) header has \(describe(bytes[cursor])) where the \(field) should be")
        }
        return value
    }

    static func skipWhitespaceAndComments(_ bytes: [UInt8], _ cursor: inout Int) {
        while cursor < bytes.count {
            if isWhitespace(bytes[cursor]) {
                cursor += 1
            } else if bytes[cursor] == UInt8(ascii: "#") {
                while cursor < bytes.count && bytes[cursor] != 0x0A && bytes[cursor] != 0x0D { cursor += 1 }
            } else {
                return
            }
        }
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0B || byte == 0x0C || byte == 0x0D
    }

    static func decimalDigit(_ byte: UInt8) -> Int? {
        (0x30...0x39).contains(byte) ? Int(byte - 0x30) : nil
    }

    static func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(UnicodeScalar(byte)))'" : String(format: "byte 0x%02x", byte)
    }
}
