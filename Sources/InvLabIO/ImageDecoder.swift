import Foundation

/// Decodes an image file of any supported format, recognised by its first bytes (never by
/// its extension, which lies often enough in scraped face data sets).
public enum ImageDecoder {
    /// The formats `decode` recognises.
    public enum Format: String, Sendable {
        case pnm = "PGM/PPM", png = "PNG", jpeg = "JPEG"
    }

    /// The format whose magic bytes start `data`: `P2`/`P3`/`P5`/`P6` (PGM/PPM),
    /// `89 50 4E 47 0D 0A 1A 0A` (PNG) or `FF D8 FF` (JPEG); `nil` for anything else.
    public static func sniff(_ data: Data) -> Format? {
        let head = [UInt8](data.prefix(8))
        if head.count >= 2, head[0] == UInt8(ascii: "P"), [UInt8]("2356".utf8).contains(head[1]) { return .pnm }
        if head == PNGCodec.signature { return .png }
        if head.count >= 3, head[0] == 0xFF, head[1] == 0xD8, head[2] == 0xFF { return .jpeg }
        return nil
    }

    /// Decodes `data` according to its magic bytes; `path` names the file in errors.
    public static func decode(data: Data, path: String, limits: ReadLimits = .standard) throws -> Image {
        switch sniff(data) {
        case .pnm: return try PNMCodec.decode(data, path: path, limits: limits)
        case .png: return try PNGCodec.decode(data, path: path, limits: limits)
        case .jpeg: return try JPEGDecoder.decode(data, path: path, limits: limits)
        case nil:
            let shown = data.prefix(4).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw FileFormatError(path: path, format: "image",
                                  message: "unrecognised image format (first bytes [\(shown)]), expected PGM/PPM, PNG or JPEG")
        }
    }

    /// Reads and decodes the file at `url`.
    public static func read(contentsOf url: URL, limits: ReadLimits = .standard) throws -> Image {
        try decode(data: try Data(contentsOf: url), path: url.path, limits: limits)
    }
}
