import Foundation

/// Builds small PNG files by hand (stored, uncompressed deflate blocks) so tests can cover
/// every colour type and bit depth without an external encoder.
enum PNGFixture {
    /// A PNG with the given IHDR fields; `scanlines` are the raw rows without filter bytes.
    static func make(width: Int, height: Int, bitDepth: UInt8, colourType: UInt8, scanlines: [[UInt8]],
                     extraChunks: [(String, [UInt8])] = []) -> Data {
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        let ihdr = bigEndian32(width) + bigEndian32(height) + [bitDepth, colourType, 0, 0, 0]
        png += chunk("IHDR", ihdr)
        for (type, body) in extraChunks { png += chunk(type, body) }
        let raw: [UInt8] = scanlines.flatMap { row -> [UInt8] in [0] + row }  // filter type 0 (None) on every row
        png += chunk("IDAT", zlibStored(raw))
        png += chunk("IEND", [])
        return Data(png)
    }

    static func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + body
        return bigEndian32(body.count) + typed + bigEndian32(Int(crc32(typed)))
    }

    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65_535, data.count - offset)
            let final: UInt8 = offset + length == data.count ? 1 : 0
            out += [final, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            out += data[offset..<(offset + length)]
            offset += length
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        return out + bigEndian32(Int(b << 16 | a))
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 1 ? 0xEDB8_8320 : 0) }
        }
        return ~crc
    }

    static func bigEndian32(_ value: Int) -> [UInt8] {
        [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) }
    }
}
