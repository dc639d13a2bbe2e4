import Foundation
import InvLabCTurboJPEG
import InvLabIO
import Testing

/// Encodes test images with TurboJPEG's compressor (the project itself only decodes JPEG).
enum JPEGFixture {
    static func make(width: Int, height: Int, grey: Bool, quality: Int32 = 95, sample: (Int, Int, Int) -> UInt8) -> Data {
        let channels = grey ? 1 : 3
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        for y in 0..<height { for x in 0..<width { for c in 0..<channels {
            pixels[(y * width + x) * channels + c] = sample(x, y, c)
        } } }
        guard let handle = tjInitCompress() else { return Data() }
        defer { tjDestroy(handle) }
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = tjCompress2(handle, &pixels, Int32(width), 0, Int32(height),
                                 Int32((grey ? TJPF_GRAY : TJPF_RGB).rawValue), &output, &size,
                                 Int32((grey ? TJSAMP_GRAY : TJSAMP_444).rawValue), quality, 0)
        guard status == 0, let output else { return Data() }
        defer { tjFree(output) }
        return Data(bytes: output, count: Int(size))
    }
}

@Suite("JPEG through TurboJPEG")
struct JPEGTests {
    @Test("grey and colour JPEGs decode to 1 and 3 channels, close to the source")
    func decodes() throws {
        let grey = JPEGFixture.make(width: 16, height: 8, grey: true) { x, _, _ in UInt8(x * 16) }
        #expect(ImageDecoder.sniff(grey) == .jpeg)
        let image = try ImageDecoder.decode(data: grey, path: "g.jpg")
        #expect(image.channels == 1 && image.width == 16 && image.height == 8)
        #expect(abs((image.value(channel: 0, x: 8, y: 4) ?? 0) - 128 / 255) < 0.03)
        let colour = JPEGFixture.make(width: 8, height: 8, grey: false) { _, _, c in c == 0 ? 200 : 40 }
        let rgb = try JPEGDecoder.decode(colour, path: "c.jpg")
        #expect(rgb.channels == 3)
        #expect(abs((rgb.value(channel: 0, x: 3, y: 3) ?? 0) - 200 / 255) < 0.03)
        #expect(abs((rgb.value(channel: 2, x: 3, y: 3) ?? 0) - 40 / 255) < 0.03)
    }

    @Test("truncated and corrupt JPEGs are errors")
    func corrupt() throws {
        let jpeg = JPEGFixture.make(width: 32, height: 32, grey: false) { x, y, c in UInt8((x * 7 + y * 3 + c * 50) % 256) }
        expectError("cut.jpg: corrupt JPEG data: Premature end of JPEG file") {
            _ = try ImageDecoder.decode(data: jpeg.prefix(jpeg.count * 2 / 3), path: "cut.jpg")
        }
        expectError("head.jpg: cannot read JPEG header: Not a JPEG file: starts with 0xff 0xd9") {
            _ = try JPEGDecoder.decode(Data([0xFF, 0xD9, 0xFF, 0x00]), path: "head.jpg")
        }
        expectError("short.jpg: JPEG header is incomplete: no frame header with the image size before the data ends") {
            _ = try ImageDecoder.decode(data: Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00]), path: "short.jpg")
        }
    }
}
