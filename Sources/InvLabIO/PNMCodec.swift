import Foundation

/// Reads and writes Netpbm PGM (grey) and PPM (colour) images, binary and ASCII.
///
/// Reading is strict, because silently accepting a damaged file produces torn, shifted faces:
/// the binary payload must be exactly `width*height*channels*bytesPerSample` bytes (no more,
/// no less), every sample must be <= maxval, and ASCII files must hold exactly the right number
/// of samples followed by nothing but whitespace or comments.
public enum PNMCodec {
    /// Decodes a PGM or PPM held in memory; `path` names the file in errors.
    public static func decode(_ data: Data, path: String, limits: ReadLimits = .standard) throws -> Image {
        let bytes = [UInt8](data)
        let header = try PNMHeader.parse(bytes, path: path)
        let kind = header.kind
        let fail = FormatErrorFactory(path: path, format: kind.formatName)
        let sampleCount = try limits.checkImage(width: header.width, height: header.height, channels: kind.channels, fail)
        let samples = kind.isBinary
            ? try binarySamples(bytes, header, sampleCount: sampleCount, fail)
            : try asciiSamples(bytes, header, sampleCount: sampleCount, fail)
        let maxValue = Float(header.maxValue)
        let plane = header.width * header.height
        let channels = kind.channels
        var pixels = [Float](repeating: 0, count: sampleCount)
        for c in 0..<channels {
            for i in 0..<plane { pixels[c * plane + i] = Float(samples[i * channels + c]) / maxValue }
        }
        return Image(validWidth: header.width, height: header.height, channels: channels, pixels: pixels)
    }

    private static func binarySamples(_ bytes: [UInt8], _ header: PNMHeader, sampleCount: Int,
                                      _ fail: FormatErrorFactory) throws -> [Int] {
        guard let expected = CheckedArithmetic.multiply(sampleCount, header.bytesPerSample) else {
            throw fail.error("\(header.kind.formatName) image is too large to address")
        }
        let actual = bytes.count - header.payloadOffset
        guard actual == expected else {
            let factors = "\(header.width)*\(header.height)*\(header.kind.channels)"
                + (header.bytesPerSample == 2 ? "*2" : "")
            throw fail.error("\(header.kind.formatName) pixel payload is \(actual) bytes, expected \(factors) = \(expected)")
        }
        var samples = [Int](repeating: 0, count: sampleCount)
        let start = header.payloadOffset
        for i in 0..<sampleCount {
            let value = header.bytesPerSample == 1
                ? Int(bytes[start + i])
                : Int(bytes[start + 2 * i]) << 8 | Int(bytes[start + 2 * i + 1])
            guard value <= header.maxValue else {
                throw fail.error("\(header.kind.formatName) sample \(i) is \(value), above maxval \(header.maxValue)")
            }
            samples[i] = value
        }
        return samples
    }

    private static func asciiSamples(_ bytes: [UInt8], _ header: PNMHeader, sampleCount: Int,
                                     _ fail: FormatErrorFactory) throws -> [Int] {
        var samples = [Int]()
        // Each sample takes at least a digit and a separator, so the file bounds how many there
        // can be; reserving the count the header declares let a 20-byte file claim 2 GB.
        samples.reserveCapacity(min(sampleCount, (bytes.count - header.payloadOffset) / 2 + 1))
        var cursor = header.payloadOffset
        let name = header.kind.formatName
        while true {
            PNMHeader.skipWhitespaceAndComments(bytes, &cursor)
            guard cursor < bytes.count else { break }
            guard samples.count < sampleCount else {
                throw fail.error("\(name) has data after its \(sampleCount) samples, at byte \(cursor)")
            }
            var value = 0
            var digits = 0
            while cursor < bytes.count, let digit = PNMHeader.decimalDigit(bytes[cursor]) {
                digits += 1
                value = min(value * 10 + digit, 1_000_000)  // saturate: anything this big is rejected below
                cursor += 1
            }
            guard digits > 0 else {
                throw fail.error("\(name) sample \(samples.count) is \(PNMHeader.describe(bytes[cursor])), expected a number")
            }
            guard value <= header.maxValue else {
                throw fail.error("\(name) sample \(samples.count) is above maxval \(header.maxValue)")
            }
            samples.append(value)
        }
        guard samples.count == sampleCount else {
            throw fail.error("\(name) has \(samples.count) samples, expected "
                + "\(header.width)*\(header.height)*\(header.kind.channels) = \(sampleCount)")
        }
        return samples
    }

    /// Binary 8-bit PNM bytes: `P5` for a grey image, `P6` for RGB.
    public static func encode(_ image: Image) -> Data {
        let magic = image.channels == 1 ? "P5" : "P6"
        var data = Data("\(magic)\n\(image.width) \(image.height)\n255\n".utf8)
        data.append(contentsOf: image.interleavedBytes())
        return data
    }

    /// Binary 8-bit PGM bytes (`P5`); an RGB image is converted to grey (BT.601 luma) first.
    public static func encodePGM(_ image: Image) -> Data { encode(image.grey()) }

    /// Writes `encode(image)` atomically.
    public static func write(_ image: Image, to url: URL) throws {
        try AtomicFile.write(encode(image), to: url)
    }
}
