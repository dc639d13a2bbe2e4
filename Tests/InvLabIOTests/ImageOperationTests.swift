import InvLabIO
import InvLabTensor
import Testing

@Suite("Image values, colour conversion, resizing, cropping")
struct ImageOperationTests {
    @Test("tensor round trip and validation")
    func tensors() throws {
        let image = try Image(width: 2, height: 1, channels: 3, pixels: [0, 0.1, 0.2, 0.3, 0.4, 0.5])
        #expect(image.toTensor().shape == [3, 1, 2])
        #expect(try Image(tensor: image.toTensor()) == image)
        #expect(try Image(tensor: image.toTensor().reshaped([1, 3, 1, 2])) == image)
        #expect(image.value(channel: 2, x: 1, y: 0) == 0.5)
        #expect(image.value(channel: 3, x: 0, y: 0) == nil)
        expectError("an image has 1 (grey) or 3 (RGB) channels, got 2") {
            _ = try Image(width: 1, height: 1, channels: 2, pixels: [0, 0])
        }
        expectError("a 2x2 image with 1 channel(s) needs 1*2*2 values, got 3") {
            _ = try Image(width: 2, height: 2, channels: 1, pixels: [0, 0, 0])
        }
        expectError("an image tensor has shape [C, H, W] (or [1, C, H, W]), got [4]") {
            _ = try Image(tensor: Tensor(shape: [4], scalars: [0, 0, 0, 0]))
        }
    }

    @Test("grey <-> RGB with BT.601 luma")
    func colour() throws {
        let rgb = try Image(width: 1, height: 1, channels: 3, pixels: [1, 0.5, 0])
        let grey = rgb.grey()
        #expect(grey.channels == 1)
        #expect(abs(grey.pixels[0] - (0.299 + 0.587 * 0.5)) < 1e-6)
        #expect(grey.rgb().pixels == [grey.pixels[0], grey.pixels[0], grey.pixels[0]])
        expectError("an image has 1 (grey) or 3 (RGB) channels, cannot convert to 4") {
            _ = try rgb.converted(toChannels: 4)
        }
    }

    @Test("area averaging halves a 4x2 image exactly")
    func areaDownscale() throws {
        let image = try Image(width: 4, height: 2, channels: 1, pixels: [0, 0.2, 0.4, 0.6, 1, 0.6, 0.2, 0.2])
        let small = try image.resized(width: 2, height: 1, method: .area)
        #expect(zip(small.pixels, [0.45, 0.35] as [Float]).allSatisfy { abs($0 - $1) < 1e-6 })
        // A non-integer factor: 3 -> 2 columns, middle pixel split half and half.
        let row = try Image(width: 3, height: 1, channels: 1, pixels: [0, 0.3, 0.9])
        let two = try row.resized(width: 2, height: 1, method: .automatic)
        #expect(zip(two.pixels, [0.1, 0.7] as [Float]).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test("bilinear enlarging uses half-pixel centres and keeps constants constant")
    func bilinear() throws {
        let row = try Image(width: 2, height: 1, channels: 1, pixels: [0, 1])
        let wide = try row.resized(width: 4, height: 1, method: .bilinear)
        #expect(wide.pixels == [0, 0.25, 0.75, 1])
        let flat = try Image(width: 3, height: 5, channels: 3, pixels: [Float](repeating: 0.3, count: 45))
        let big = try flat.resized(width: 7, height: 11)
        #expect(big.width == 7 && big.height == 11 && big.pixels.allSatisfy { abs($0 - 0.3) < 1e-6 })
        expectError("cannot resize to an empty size 0x3") { _ = try flat.resized(width: 0, height: 3) }
    }

    @Test("crops")
    func crops() throws {
        let image = try Image(width: 4, height: 2, channels: 1, pixels: (0..<8).map { Float($0) / 8 })
        let eighths: (Float...) -> [Float] = { $0.map { $0 / 8 } }
        #expect(try image.cropped(x: 1, y: 1, width: 2, height: 1).pixels == eighths(5, 6))
        #expect(try image.centerCropped(width: 2, height: 2).pixels == eighths(1, 2, 5, 6))
        let square = try image.centerCropped(aspectRatio: 1)
        #expect(square.width == 2 && square.height == 2)
        let fitted = try image.fitted(width: 1, height: 1)
        let expectedMean: Float = (1 + 2 + 5 + 6) / 32
        #expect(fitted.pixels == [expectedMean])
        expectError("crop 3x3 at (0, 0) does not fit in a 4x2 image") {
            _ = try image.cropped(x: 0, y: 0, width: 3, height: 3)
        }
    }
}
