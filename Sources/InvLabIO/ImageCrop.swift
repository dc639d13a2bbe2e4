/// Cropping.
extension Image {
    /// The `width` x `height` region whose top-left corner is (`x`, `y`); it must lie inside the image.
    public func cropped(x: Int, y: Int, width cropWidth: Int, height cropHeight: Int) throws -> Image {
        guard cropWidth > 0, cropHeight > 0, x >= 0, y >= 0,
              x <= width - cropWidth, y <= height - cropHeight else {
            throw ImageError("crop \(cropWidth)x\(cropHeight) at (\(x), \(y)) does not fit in a \(width)x\(height) image")
        }
        var output = [Float]()
        output.reserveCapacity(channels * cropWidth * cropHeight)
        for c in 0..<channels {
            for row in y..<(y + cropHeight) {
                let start = (c * height + row) * width + x
                output.append(contentsOf: pixels[start..<(start + cropWidth)])
            }
        }
        return Image(validWidth: cropWidth, height: cropHeight, channels: channels, pixels: output)
    }

    /// The centred `width` x `height` region (odd margins leave the extra pixel on the right/bottom).
    public func centerCropped(width cropWidth: Int, height cropHeight: Int) throws -> Image {
        try cropped(x: (width - cropWidth) / 2, y: (height - cropHeight) / 2, width: cropWidth, height: cropHeight)
    }

    /// The largest centred region whose width / height equals `aspectRatio` (rounded to whole pixels).
    public func centerCropped(aspectRatio: Double) throws -> Image {
        guard aspectRatio.isFinite, aspectRatio > 0 else {
            throw ImageError("aspect ratio must be a positive number, got \(aspectRatio)")
        }
        let current = Double(width) / Double(height)
        var cropWidth = width
        var cropHeight = height
        if current > aspectRatio {
            cropWidth = max(1, min(width, Int((Double(height) * aspectRatio).rounded())))
        } else if current < aspectRatio {
            cropHeight = max(1, min(height, Int((Double(width) / aspectRatio).rounded())))
        }
        return try centerCropped(width: cropWidth, height: cropHeight)
    }
}
