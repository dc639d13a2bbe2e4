/// Grey <-> RGB conversion.
extension Image {
    /// ITU-R BT.601 luma weights (R, G, B), the ones PIL, OpenCV and libjpeg use for grey.
    public static let lumaWeights: (red: Float, green: Float, blue: Float) = (0.299, 0.587, 0.114)

    /// The image with `channels` channels: grey -> RGB copies the plane three times,
    /// RGB -> grey takes BT.601 luma `0.299 R + 0.587 G + 0.114 B`. Same count returns `self`.
    public func converted(toChannels target: Int) throws -> Image {
        guard target == 1 || target == 3 else {
            throw ImageError("an image has 1 (grey) or 3 (RGB) channels, cannot convert to \(target)")
        }
        if target == channels { return self }
        let plane = planeSize
        if target == 3 {
            return Image(validWidth: width, height: height, channels: 3, pixels: pixels + pixels + pixels)
        }
        var grey = [Float](repeating: 0, count: plane)
        let weights = Self.lumaWeights
        for i in 0..<plane {
            grey[i] = weights.red * pixels[i] + weights.green * pixels[plane + i] + weights.blue * pixels[2 * plane + i]
        }
        return Image(validWidth: width, height: height, channels: 1, pixels: grey)
    }

    /// The image in grey (1 channel).
    public func grey() -> Image { (try? converted(toChannels: 1)) ?? self }

    /// The image in RGB (3 channels).
    public func rgb() -> Image { (try? converted(toChannels: 3)) ?? self }
}
