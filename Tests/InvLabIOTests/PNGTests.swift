import Foundation
import InvLabIO
import Testing

@Suite("PNG through libpng")
struct PNGTests {
    @Test("encode then decode, grey and RGB, with the signature sniffed")
    func roundTrip() throws {
        let grey = try Image(width: 3, height: 2, channels: 1, pixels: [0, 0.2, 0.4, 0.6, 0.8, 1])
        let greyPNG = try PNGCodec.encode(grey)
        #expect(ImageDecoder.sniff(greyPNG) == .png)
        #expect(try ImageDecoder.decode(data: greyPNG, path: "g.png") == grey)
        let rgb = try Image(width: 2, height: 1, channels: 3, pixels: [1, 0, 0.2, 0.4, 0, 1])
        #expect(try PNGCodec.decode(PNGCodec.encode(rgb), path: "c.png") == rgb)
    }

    @Test("palette, grey+alpha, RGBA and 16-bit become grey or RGB")
    func colourTypes() throws {
        let palette = PNGFixture.make(width: 2, height: 1, bitDepth: 8, colourType: 3, scanlines: [[1, 0]],
                                      extraChunks: [("PLTE", [255, 0, 0, 0, 0, 255])])
        let fromPalette = try PNGCodec.decode(palette, path: "p.png")
        #expect(fromPalette.channels == 3 && fromPalette.pixels == [0, 1, 0, 0, 1, 0])
        let greyAlpha = PNGFixture.make(width: 2, height: 1, bitDepth: 8, colourType: 4, scanlines: [[51, 255, 102, 0]])
        let ga = try PNGCodec.decode(greyAlpha, path: "ga.png")
        #expect(ga.channels == 1 && ga.pixels == [0.2, 0.4])  // alpha dropped, colour kept
        let rgba = PNGFixture.make(width: 1, height: 1, bitDepth: 8, colourType: 6, scanlines: [[255, 102, 0, 128]])
        #expect(try PNGCodec.decode(rgba, path: "rgba.png").pixels == [1, 0.4, 0])
        let deep = PNGFixture.make(width: 2, height: 1, bitDepth: 16, colourType: 0, scanlines: [[0xFF, 0xFF, 0x33, 0x33]])
        let deepImage = try PNGCodec.decode(deep, path: "d.png")
        #expect(deepImage.pixels == [1, 0.2], "16-bit samples keep their high byte: \(deepImage.pixels)")
        let lowBit = PNGFixture.make(width: 4, height: 1, bitDepth: 2, colourType: 0, scanlines: [[0b0001_1011]])
        let two = try PNGCodec.decode(lowBit, path: "2bit.png")
        #expect(zip(two.pixels, [0, 1 / 3, 2 / 3, 1] as [Float]).allSatisfy { abs($0 - $1) < 0.003 })
    }

    @Test("corrupt data, truncation and limits are errors")
    func corrupt() throws {
        var png = [UInt8](PNGFixture.make(width: 2, height: 2, bitDepth: 8, colourType: 0, scanlines: [[1, 2], [3, 4]]))
        let idat = png.indices.first { png[$0] == UInt8(ascii: "I") && png[$0 + 1] == UInt8(ascii: "D") } ?? 0
        png[idat + 16] ^= 0xFF  // flip a pixel byte inside IDAT: the zlib checksum fails
        expectError("bad.png: corrupt PNG data: IDAT: incorrect data check") {
            _ = try ImageDecoder.decode(data: Data(png), path: "bad.png")
        }
        let good = try PNGCodec.encode(try Image(width: 8, height: 8, channels: 1, pixels: [Float](repeating: 0.5, count: 64)))
        expectError("cut.png: corrupt PNG data: read beyond end of data") {
            _ = try PNGCodec.decode(good.prefix(good.count - 20), path: "cut.png")
        }
        expectError("head.png: cannot read PNG header: PNG file corrupted by ASCII conversion") {
            _ = try PNGCodec.decode(Data([0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 0]), path: "head.png")
        }
        let huge = PNGFixture.make(width: 20_000, height: 1, bitDepth: 8, colourType: 0, scanlines: [])
        expectError("huge.png: image size 20000x1 exceeds the limit of 16384 pixels per side") {
            _ = try PNGCodec.decode(huge, path: "huge.png")
        }
    }

    @Test("write atomically, unknown formats rejected by the sniffer")
    func writeAndSniff() throws {
        let directory = try makeTemporaryDirectory()
        defer { cleanUp(directory) }
        let image = try Image(width: 1, height: 1, channels: 3, pixels: [0, 0.4, 1])
        let url = directory.appendingPathComponent("grid.png")
        try PNGCodec.write(image, to: url)
        #expect(try ImageDecoder.read(contentsOf: url) == image)
        expectError("x.gif: unrecognised image format (first bytes [47 49 46 38]), expected PGM/PPM, PNG or JPEG") {
            _ = try ImageDecoder.decode(data: Data("GIF89a".utf8), path: "x.gif")
        }
    }
}
