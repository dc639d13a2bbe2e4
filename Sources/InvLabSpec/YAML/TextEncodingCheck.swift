/// Rejects files that are not UTF-8 text before libyaml sees them, with the offending byte.
///
/// Users sometimes pass a weights file or a UTF-16 export instead of a spec; libyaml's reader
/// errors for those are cryptic, so the loader checks first: no NUL byte and valid UTF-8.
enum TextEncodingCheck {
    /// The first problem in `bytes` as a diagnostic located at its line and column, or nil.
    static func firstProblem(in bytes: [UInt8], file: String) -> Diagnostic? {
        guard let offset = firstInvalidOffset(bytes) else { return nil }
        let location = locate(offset: offset, in: bytes, file: file)
        let byte = String(bytes[offset], radix: 16, uppercase: true)
        let hex = byte.count == 1 ? "0" + byte : byte
        return .error("file is not UTF-8 text (byte 0x\(hex) at offset \(offset))", at: location,
                      notes: ["a spec is a YAML text file; is this the right path?"])
    }

    /// Offset of the first NUL byte or the first byte of an invalid UTF-8 sequence.
    static func firstInvalidOffset(_ bytes: [UInt8]) -> Int? {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead == 0 { return index }
            if lead < 0x80 { index += 1; continue }
            let length: Int
            let minimum: UInt32
            var scalar: UInt32
            switch lead {
            case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(lead & 0x1F)
            case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(lead & 0x0F)
            case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(lead & 0x07)
            default: return index
            }
            guard index + length <= bytes.count else { return index }
            for continuation in bytes[(index + 1)..<(index + length)] {
                guard continuation & 0xC0 == 0x80 else { return index }
                scalar = scalar << 6 | UInt32(continuation & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return index }
            index += length
        }
        return nil
    }

    /// 1-based line and column (in bytes, good enough for a broken file) of `offset`.
    static func locate(offset: Int, in bytes: [UInt8], file: String) -> SourceLocation {
        var line = 1
        var lineStart = 0
        for index in 0..<offset where bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        return SourceLocation(file: file, line: line, column: offset - lineStart + 1)
    }
}
