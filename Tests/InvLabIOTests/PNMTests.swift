import Foundation
import InvLabIO
import Testing

@Suite("PGM/PPM reading and writing")
struct PNMTests {
    @Test("binary PGM with comments in the header")
    func binaryGrey() throws {
        let data = Data(ascii("P5\n# a comment\n3 2 # width height\n255\n") + [0, 51, 255, 102, 204, 153])
        let image = try ImageDecoder.decode(data: data, path: "g.pgm")
        #expect(image.width == 3 && image.height == 2 && image.channels == 1)
        #expect(image.pixels == [0, 0.2, 1, 0.4, 0.8, 0.6])
    }

    @Test("ASCII PGM and PPM, odd whitespace")
    func asciiFormats() throws {
        let grey = try PNMCodec.decode(Data(ascii("P2 2 2 10\n0 5\n\t10   # end of row\n 2\n\n")), path: "a.pgm")
        #expect(grey.pixels == [0, 0.5, 1, 0.2])
        let colour = try PNMCodec.decode(Data(ascii("P3\n2 1\n255\n255 0 0  0 0 255\n")), path: "a.ppm")
        #expect(colour.channels == 3)
        #expect(colour.pixels == [1, 0, 0, 0, 0, 1])  // planar: R plane, G plane, B plane
    }

    @Test("binary PPM and 16-bit samples")
    func binaryColourAnd16Bit() throws {
        let colour = try PNMCodec.decode(Data(ascii("P6 1 2 255\n") + [255, 0, 0, 0, 255, 0]), path: "c.ppm")
        #expect(colour.pixels == [1, 0, 0, 1, 0, 0])
        let deep = try PNMCodec.decode(Data(ascii("P5 2 1 65535\n") + [0xFF, 0xFF, 0x80, 0x00]), path: "d.pgm")
        #expect(deep.pixels == [1, Float(0x8000) / 65535])
    }

    /// An ORL-sized binary PGM header (92 x 112, maxval 255).
    static let pgmHeader = ascii("P5\n92 112\n255\n")

    @Test("malformed headers, payloads too long or too short, samples above maxval: the exact message", arguments: [
        ("data/orl/s1/1.pgm: PGM pixel payload is 10317 bytes, expected 92*112*1 = 10304",
         Data(PNMTests.pgmHeader + [UInt8](repeating: 7, count: 10_317)), "data/orl/s1/1.pgm"),
        ("t.pgm: PGM pixel payload is 100 bytes, expected 92*112*1 = 10304",
         Data(PNMTests.pgmHeader + [UInt8](repeating: 7, count: 100)), "t.pgm"),
        ("t.ppm: PPM pixel payload is 5 bytes, expected 1*1*3*2 = 6",
         Data(ascii("P6 1 1 1000\n") + [0, 0, 0, 0, 0]), "t.ppm"),
        ("m.pgm: PGM sample 1 is 200, above maxval 100",
         Data(ascii("P5 2 1 100\n") + [50, 200]), "m.pgm"),
        ("x.pgm: not a PGM/PPM file: magic bytes are [50 37], expected P2, P3, P5 or P6",
         Data(ascii("P7 1 1 255\n")), "x.pgm"),
        ("x.pgm: PGM header ends early, expected the maxval",
         Data(ascii("P5 1 1")), "x.pgm"),
        ("x.pgm: PGM header has 'a' where the height should be",
         Data(ascii("P5 1 a 255\n")), "x.pgm"),
        ("x.pgm: PGM maxval is 70000, expected 1...65535",
         Data(ascii("P5 1 1 70000\n")), "x.pgm"),
        ("x.pgm: PGM width has more than 9 digits",
         Data(ascii("P5 99999999999 1 255\n")), "x.pgm"),
        ("x.pgm: image size 20000x1 exceeds the limit of 16384 pixels per side",
         Data(ascii("P5 20000 1 255\n")), "x.pgm"),
        ("x.pgm: image size 0x5 is empty, expected positive width and height",
         Data(ascii("P5 0 5 255\n")), "x.pgm"),
        ("x.pgm: PGM has 3 samples, expected 2*2*1 = 4",
         Data(ascii("P2 2 2 255 1 2 3")), "x.pgm"),
        ("x.pgm: PGM has data after its 1 samples, at byte 13",
         Data(ascii("P2 1 1 255 1 2")), "x.pgm"),
    ] as [(String, Data, String)])
    func malformed(message: String, data: Data, path: String) {
        expectError(message) { _ = try PNMCodec.decode(data, path: path) }
    }

    @Test("write then read back (grey and colour)")
    func roundTrip() throws {
        let grey = try Image(width: 2, height: 2, channels: 1, pixels: [0, 1, 0.2, 0.6])
        #expect(try PNMCodec.decode(PNMCodec.encode(grey), path: "w.pgm") == grey)
        let colour = try Image(width: 1, height: 2, channels: 3, pixels: [1, 0, 0, 1, 0.2, 0.4])
        #expect(try PNMCodec.decode(PNMCodec.encode(colour), path: "w.ppm") == colour)
        #expect(PNMCodec.encodePGM(colour).prefix(2) == Data("P5".utf8))
        let directory = try makeTemporaryDirectory()
        defer { cleanUp(directory) }
        let url = directory.appendingPathComponent("g.pgm")
        try PNMCodec.write(grey, to: url)
        #expect(try ImageDecoder.read(contentsOf: url) == grey)
    }
}
