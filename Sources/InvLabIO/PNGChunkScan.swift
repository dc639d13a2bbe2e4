/// A walk over a PNG's chunk list before libpng reads it, so a few lying bytes cannot make it
/// allocate gigabytes.
///
/// libpng allocates an ancillary chunk's declared length (up to 2 GB) before it reads the data
/// and finds the file too short, and `PNGCodec` allocates the output image from the IHDR size
/// before libpng finds too little image data. Neither limit of libpng can be set through its
/// simplified API, so the two claims are checked here against the file: every chunk but IDAT
/// (which libpng streams) must fit in the file, and the IDAT data must be able to inflate to
/// the pixels (deflate expands at most 1032 times).
struct PNGChunkScan {
    /// Total bytes of IDAT data present in the file (a truncated last IDAT counts what is there).
    var imageDataBytes = 0
    /// IHDR fields, when IHDR is the first chunk: width, height, bits per pixel.
    var header: (width: Int, height: Int, bitsPerPixel: Int)?

    /// Largest output of inflating one byte of deflate data.
    static let maximumInflateRatio = 1032

    /// Scans `raw`, which starts with the PNG signature (otherwise nothing is checked, libpng
    /// reports it). Throws for a chunk other than IDAT that runs past the end of the file.
    init(_ raw: UnsafeRawBufferPointer, _ fail: FormatErrorFactory) throws {
        guard raw.count >= 8, raw.prefix(8).elementsEqual(PNGCodec.signature) else { return }
        var offset = 8
        while raw.count - offset >= 8 {
            let length = Int(ScalarDecoding.word(raw, offset: offset, size: 4, bigEndian: true))
            let type = Array(raw[(offset + 4)..<(offset + 8)])
            let available = raw.count - offset - 8
            if type == Self.idat {
                imageDataBytes += min(length, available)
            } else if length > available {
                throw fail.error("PNG chunk \(Self.describe(type)) at byte \(offset) declares \(length) bytes of data, "
                    + "but the file ends \(available) bytes later")
            }
            if offset == 8 && type == Self.ihdr && length == 13 && available >= 13 {
                let width = Int(ScalarDecoding.word(raw, offset: 16, size: 4, bigEndian: true))
                let height = Int(ScalarDecoding.word(raw, offset: 20, size: 4, bigEndian: true))
                let samples: [UInt8: Int] = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4]
                header = (width, height, Int(raw[24]) * (samples[raw[25]] ?? 1))
            }
            if type == Self.iend || length > available { break }
            offset += 12 + length  // length, type, data, CRC
        }
    }

    /// Throws when the image data cannot hold `width * height` pixels at the declared bit depth,
    /// even at deflate's best ratio: the file is truncated or its IHDR lies. Call this after the
    /// size limits, before allocating the output.
    func checkImageData(_ fail: FormatErrorFactory) throws {
        guard let header, let pixels = CheckedArithmetic.multiply(header.width, header.height),
              let bits = CheckedArithmetic.multiply(pixels, header.bitsPerPixel) else { return }
        let minimumRaw = bits / 8
        let possible = CheckedArithmetic.multiply(imageDataBytes + 8, Self.maximumInflateRatio) ?? Int.max
        guard minimumRaw <= possible else {
            throw fail.error("PNG image data is \(imageDataBytes) bytes, too little for a "
                + "\(header.width)x\(header.height) image (at least \(minimumRaw) bytes uncompressed)")
        }
    }

    private static let idat = Array("IDAT".utf8)
    private static let ihdr = Array("IHDR".utf8)
    private static let iend = Array("IEND".utf8)

    /// `'zTXt'` for a printable type, else its bytes in hex.
    private static func describe(_ type: [UInt8]) -> String {
        type.allSatisfy({ (0x21...0x7E).contains($0) })
            ? "'\(String(decoding: type, as: UTF8.self))'"
            : "[" + type.map { String($0, radix: 16) }.joined(separator: " ") + "]"
    }
}
