import Foundation
import InvLabCPNG

/// Reads and writes PNG through libpng's simplified `png_image` API, which reports errors by
/// return value (its `setjmp` handling stays inside libpng), so a corrupt file is an error here.
///
/// Reading converts every PNG flavour to grey or RGB 8-bit: palette images are expanded,
/// 16-bit samples are reduced to 8 bits (treated as sRGB, like PIL and torchvision, not as
/// linear light), and an alpha channel is dropped (colour kept, not composited).
public enum PNGCodec {
    /// The 8-byte PNG signature.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Decodes a PNG held in memory; `path` names the file in errors.
    public static func decode(_ data: Data, path: String, limits: ReadLimits = .standard) throws -> Image {
        let bytes = [UInt8](data)
        // libpng keeps a pointer to the input from png_image_begin_read_from_memory until
        // png_image_free and reads from it in png_image_finish_read, so the whole decode runs
        // inside one `withUnsafeBytes` (a pointer escaping a shorter closure was read after the
        // array was freed: a heap-use-after-free on every PNG in optimised builds).
        return try bytes.withUnsafeBytes { raw in try decode(raw, path: path, limits: limits) }
    }

    /// `decode` for bytes that stay valid for the duration of the call.
    private static func decode(_ raw: UnsafeRawBufferPointer, path: String, limits: ReadLimits) throws -> Image {
        let fail = FormatErrorFactory(path: path, format: "PNG")
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }
        let chunks = try PNGChunkScan(raw, fail)
        guard png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count) != 0 else {
            throw fail.error("cannot read PNG header: \(message(of: &image))")
        }
        let width = Int(image.width)
        let height = Int(image.height)
        let isColour = image.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
        let hasAlpha = image.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
        let channels = isColour ? 3 : 1
        let stored = channels + (hasAlpha ? 1 : 0)
        let bufferSize = try limits.checkImage(width: width, height: height, channels: stored, fail)
        try chunks.checkImageData(fail)
        image.format = (isColour ? UInt32(PNG_FORMAT_RGB) : UInt32(PNG_FORMAT_GRAY))
            | (hasAlpha ? UInt32(PNG_FORMAT_FLAG_ALPHA) : 0)
        image.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)
        var buffer = [UInt8](repeating: 0, count: bufferSize)
        let finished = buffer.withUnsafeMutableBytes { out in
            png_image_finish_read(&image, nil, out.baseAddress, 0, nil)
        }
        guard finished != 0 else { throw fail.error("corrupt PNG data: \(message(of: &image))") }
        if hasAlpha {
            buffer = dropAlpha(buffer, pixels: width * height, channels: channels)
        }
        return buffer.withUnsafeBufferPointer { samples in
            Image.fromInterleaved(bytes: samples, width: width, height: height, channels: channels)
        }
    }

    /// 8-bit PNG bytes of a grey or RGB image (values clamped to [0, 1] and rounded).
    public static func encode(_ image: Image) throws -> Data {
        var header = png_image()
        header.version = UInt32(PNG_IMAGE_VERSION)
        header.width = UInt32(image.width)
        header.height = UInt32(image.height)
        header.format = image.channels == 3 ? UInt32(PNG_FORMAT_RGB) : UInt32(PNG_FORMAT_GRAY)
        let samples = image.interleavedBytes()
        var size = 0
        let sized = samples.withUnsafeBytes { raw in
            png_image_write_to_memory(&header, nil, &size, 0, raw.baseAddress, 0, nil)
        }
        guard sized != 0, size > 0 else {
            throw FileFormatError(path: "<memory>", format: "PNG", message: "libpng cannot encode: \(message(of: &header))")
        }
        var output = [UInt8](repeating: 0, count: size)
        let written = samples.withUnsafeBytes { raw in
            output.withUnsafeMutableBytes { out in
                png_image_write_to_memory(&header, out.baseAddress, &size, 0, raw.baseAddress, 0, nil)
            }
        }
        guard written != 0 else {
            throw FileFormatError(path: "<memory>", format: "PNG", message: "libpng cannot encode: \(message(of: &header))")
        }
        return Data(output.prefix(size))
    }

    /// Writes `encode(image)` atomically.
    public static func write(_ image: Image, to url: URL) throws {
        try AtomicFile.write(try encode(image), to: url)
    }

    private static func dropAlpha(_ buffer: [UInt8], pixels: Int, channels: Int) -> [UInt8] {
        var colour = [UInt8](repeating: 0, count: pixels * channels)
        let stride = channels + 1
        for i in 0..<pixels {
            for c in 0..<channels { colour[i * channels + c] = buffer[i * stride + c] }
        }
        return colour
    }

    /// libpng's message for the last failure (a NUL-terminated 64-byte field).
    private static func message(of image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            let bytes = raw.prefix { $0 != 0 }
            let text = String(decoding: bytes, as: UTF8.self)
            return text.isEmpty ? "unknown libpng error" : text
        }
    }
}
