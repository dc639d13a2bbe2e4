import InvLabTensor

/// A decoded image: grey (1 channel) or RGB (3 channels), pixel values as `Float` in [0, 1].
///
/// Layout is **channel-first (planar)**: all red values row by row, then all green, then all
/// blue; the value of channel `c` at row `y`, column `x` is `pixels[(c * height + y) * width + x]`.
/// This is the `[C, H, W]` layout of PyTorch and of `Tensor`, so `toTensor()` and
/// `init(tensor:)` copy no more than the array header, and image operations work per plane.
public struct Image: Equatable, Sendable {
    /// Width in pixels (columns).
    public let width: Int
    /// Height in pixels (rows).
    public let height: Int
    /// 1 (grey) or 3 (RGB).
    public let channels: Int
    /// `channels * height * width` values in [0, 1], channel-first.
    public private(set) var pixels: [Float]

    /// Wraps planar pixels; throws if the count does not match or the channel count is not 1 or 3.
    public init(width: Int, height: Int, channels: Int, pixels: [Float]) throws {
        guard channels == 1 || channels == 3 else {
            throw ImageError("an image has 1 (grey) or 3 (RGB) channels, got \(channels)")
        }
        guard width > 0, height > 0 else { throw ImageError("image size \(width)x\(height) is empty") }
        guard let count = CheckedArithmetic.product([channels, height, width]), count == pixels.count else {
            throw ImageError("a \(width)x\(height) image with \(channels) channel(s) needs "
                + "\(channels)*\(height)*\(width) values, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// Internal initialiser for code that has already computed a matching pixel count.
    init(validWidth width: Int, height: Int, channels: Int, pixels: [Float]) {
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// An image from a `[C, H, W]` tensor (or `[1, C, H, W]`), C being 1 or 3.
    /// Values are taken as they are (not clamped); writers clamp to [0, 1].
    public init(tensor: Tensor) throws {
        var shape = tensor.shape
        if shape.count == 4 && shape[0] == 1 { shape.removeFirst() }
        guard shape.count == 3 else {
            throw ImageError("an image tensor has shape [C, H, W] (or [1, C, H, W]), got \(tensor.shape)")
        }
        try self.init(width: shape[2], height: shape[1], channels: shape[0], pixels: tensor.scalars)
    }

    /// The pixels as a `[C, H, W]` tensor.
    public func toTensor() -> Tensor {
        Tensor(shape: [channels, height, width], scalars: pixels)
    }

    /// Number of pixels in one channel plane (`width * height`).
    public var planeSize: Int { width * height }

    /// Value of channel `channel` at (`x`, `y`); `nil` outside the image.
    public func value(channel: Int, x: Int, y: Int) -> Float? {
        guard (0..<channels).contains(channel), (0..<width).contains(x), (0..<height).contains(y) else { return nil }
        return pixels[(channel * height + y) * width + x]
    }

    /// Pixel values quantised to 8 bits (round to nearest, clamped), interleaved
    /// channel-last (`RGBRGB...` or grey), the layout PNG, PPM and JPEG store.
    public func interleavedBytes() -> [UInt8] {
        let plane = planeSize
        var bytes = [UInt8](repeating: 0, count: pixels.count)
        for c in 0..<channels {
            for i in 0..<plane {
                bytes[i * channels + c] = Self.quantize(pixels[c * plane + i])
            }
        }
        return bytes
    }

    /// Builds a planar image from interleaved 8-bit samples (`count == width*height*channels`).
    /// Each byte is divided by 255 (correctly rounded, so 51 gives exactly `Float(0.2)`).
    static func fromInterleaved(bytes: UnsafeBufferPointer<UInt8>, width: Int, height: Int, channels: Int) -> Image {
        let plane = width * height
        var pixels = [Float](repeating: 0, count: plane * channels)
        for c in 0..<channels {
            for i in 0..<plane {
                pixels[c * plane + i] = Float(bytes[i * channels + c]) / 255
            }
        }
        return Image(validWidth: width, height: height, channels: channels, pixels: pixels)
    }

    /// A value in [0, 1] as the nearest 8-bit level; NaN becomes 0.
    static func quantize(_ value: Float) -> UInt8 {
        guard value == value else { return 0 }
        let scaled = (min(max(value, 0), 1) * 255).rounded()
        return UInt8(scaled)
    }
}

/// An invalid image construction or operation (wrong channel count, empty size, bad tensor shape).
public struct ImageError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
