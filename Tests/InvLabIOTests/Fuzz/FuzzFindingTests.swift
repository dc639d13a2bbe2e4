import Foundation
import InvLabIO
import Testing

/// The reader bugs fuzzing found, each as a readable case next to its raw input in
/// `Fuzz/regression/` (replayed by `IOFuzzCorpusTests`).
@Suite("Fuzz findings in the file readers")
struct FuzzFindingTests {
    /// Fuzz/regression/png/oom-3dacf5eb7615ea9c: a 45-byte PNG whose zTXt chunk declares
    /// 536870924 bytes made libpng allocate them before finding the file too short.
    @Test("a PNG chunk that runs past the end of the file is refused before libpng allocates it")
    func lyingChunkLength() {
        let png = [UInt8](PNGFixture.make(width: 8, height: 2, bitDepth: 1, colourType: 0, scanlines: [[0xAA], [0x55]]))
        let header = Array(png.prefix(33))  // signature and IHDR
        let lying = header + [0x20, 0x00, 0x00, 0x0C] + Array("zTXt".utf8) + [1, 2, 3]
        expectError("z.png: PNG chunk 'zTXt' at byte 33 declares 536870924 bytes of data, but the file ends 3 bytes later") {
            _ = try PNGCodec.decode(Data(lying), path: "z.png")
        }
        let binaryType = header + [0x7F, 0xFF, 0xFF, 0xFF, 0x00, 0xFF, 0x41, 0x42]
        expectError("b.png: PNG chunk [0 ff 41 42] at byte 33 declares 2147483647 bytes of data, but the file ends 0 bytes later") {
            _ = try PNGCodec.decode(Data(binaryType), path: "b.png")
        }
    }

    /// An 80-byte PNG whose IHDR claims 16384x6103 RGBA made the decoder allocate the 400 MB
    /// output before libpng found too little image data.
    @Test("a PNG whose image data cannot inflate to its declared size is refused before allocating")
    func implausibleImageSize() throws {
        let huge = PNGFixture.make(width: 16_384, height: 6_103, bitDepth: 8, colourType: 6, scanlines: [])
        expectError("huge.png: PNG image data is 11 bytes, too little for a 16384x6103 image "
                    + "(at least 399966208 bytes uncompressed)") {
            _ = try PNGCodec.decode(huge, path: "huge.png")
        }
        // Highly compressible but honest data is still read: 4096x64 grey zeros in ~300 bytes.
        let zeros = try Image(width: 4_096, height: 64, channels: 1, pixels: [Float](repeating: 0, count: 4_096 * 64))
        let compact = try PNGCodec.encode(zeros)
        #expect(compact.count < 2_000)
        #expect(try PNGCodec.decode(compact, path: "zeros.png") == zeros)
    }

    /// Fuzz/regression/pnm/oom-eea6182d260be8dd: `P3 16384 5635 5` without samples reserved
    /// room for all 277 million declared samples (2.2 GB) before reading any.
    @Test("an ASCII PNM header without samples is refused by counting, not by allocating")
    func asciiHeaderWithoutSamples() {
        expectError("p.ppm: PPM has 0 samples, expected 16384*5635*3 = 276971520") {
            _ = try PNMCodec.decode(Data("P3\n16384 5635 5\n".utf8), path: "p.ppm")
        }
    }
}

extension FuzzFindingTests {
    /// Fuzz/regression/jpeg/timeout-7cd0c4d8eb5f445d: a 33 KB progressive JPEG claiming
    /// 16384x6000 pixels with 2400 repeated, empty scans; libjpeg passed over the whole image
    /// once per scan (over 10 s). The decoder now stops at the first warning.
    @Test("a progressive JPEG with thousands of empty scans fails fast")
    func progressiveScanBomb() throws {
        let url = IOCorpusFile.fuzzDirectory.appendingPathComponent("regression/jpeg/timeout-7cd0c4d8eb5f445d")
        let data = try Data(contentsOf: url)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            expectError("bomb.jpg: corrupt JPEG data: Corrupt JPEG data: premature end of data segment") {
                _ = try JPEGDecoder.decode(data, path: "bomb.jpg")
            }
        }
        #expect(elapsed < .seconds(2), "took \(elapsed)")
    }
}
