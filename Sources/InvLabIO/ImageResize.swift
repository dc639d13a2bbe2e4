/// How `Image.resized` computes output pixels.
public enum ResizeMethod: String, Sendable, CaseIterable {
    /// Bilinear interpolation with pixel centres at half-integers (PyTorch `align_corners=False`
    /// without antialiasing). Good for enlarging and mild shrinking.
    case bilinear
    /// Area averaging: each output pixel is the mean of the input area it covers, counting
    /// partly covered pixels by their covered fraction (OpenCV `INTER_AREA`). The right choice
    /// for shrinking: no aliasing.
    case area
    /// `area` when neither side grows, `bilinear` otherwise.
    case automatic
}

extension Image {
    /// The image resampled to `width` x `height`. Both axes are resampled separably with
    /// the same 1-D filter, so cost is proportional to output size times filter width.
    public func resized(width newWidth: Int, height newHeight: Int, method: ResizeMethod = .automatic) throws -> Image {
        guard newWidth > 0, newHeight > 0 else {
            throw ImageError("cannot resize to an empty size \(newWidth)x\(newHeight)")
        }
        guard let outputCount = CheckedArithmetic.product([channels, newWidth, newHeight]),
              outputCount <= ReadLimits.standard.maxImagePixels * 3 else {
            throw ImageError("cannot resize to \(newWidth)x\(newHeight): more than \(ReadLimits.standard.maxImagePixels) pixels")
        }
        if newWidth == width && newHeight == height { return self }
        var chosen = method
        if method == .automatic { chosen = (newWidth <= width && newHeight <= height) ? .area : .bilinear }
        let columnTaps = Self.taps(from: width, to: newWidth, method: chosen)
        let rowTaps = Self.taps(from: height, to: newHeight, method: chosen)
        var output = [Float](repeating: 0, count: outputCount)
        var rowBuffer = [Float](repeating: 0, count: height * newWidth)
        for c in 0..<channels {
            // Horizontal pass: height x width -> height x newWidth.
            for y in 0..<height {
                let source = (c * height + y) * width
                for x in 0..<newWidth {
                    var sum: Float = 0
                    for tap in columnTaps[x] { sum += tap.weight * pixels[source + tap.index] }
                    rowBuffer[y * newWidth + x] = sum
                }
            }
            // Vertical pass: height x newWidth -> newHeight x newWidth.
            for y in 0..<newHeight {
                let target = (c * newHeight + y) * newWidth
                for tap in rowTaps[y] {
                    let source = tap.index * newWidth
                    for x in 0..<newWidth { output[target + x] += tap.weight * rowBuffer[source + x] }
                }
            }
        }
        return Image(validWidth: newWidth, height: newHeight, channels: channels, pixels: output)
    }

    /// Centre-crops to the aspect ratio of `width` x `height`, then resizes to exactly that size:
    /// the usual way to bring faces of mixed shapes to one input size without distortion.
    public func fitted(width newWidth: Int, height newHeight: Int, method: ResizeMethod = .automatic) throws -> Image {
        guard newWidth > 0, newHeight > 0 else { throw ImageError("cannot fit to an empty size \(newWidth)x\(newHeight)") }
        let cropped = try centerCropped(aspectRatio: Double(newWidth) / Double(newHeight))
        return try cropped.resized(width: newWidth, height: newHeight, method: method)
    }

    /// One output position's input samples and weights (weights sum to 1).
    struct Tap { var index: Int; var weight: Float }

    static func taps(from inputSize: Int, to outputSize: Int, method: ResizeMethod) -> [[Tap]] {
        let scale = Double(inputSize) / Double(outputSize)
        return (0..<outputSize).map { position in
            method == .area ? areaTaps(position, scale: scale, inputSize: inputSize)
                : bilinearTaps(position, scale: scale, inputSize: inputSize)
        }
    }

    private static func bilinearTaps(_ position: Int, scale: Double, inputSize: Int) -> [Tap] {
        let centre = min(max((Double(position) + 0.5) * scale - 0.5, 0), Double(inputSize - 1))
        let left = Int(centre.rounded(.down))
        let right = min(left + 1, inputSize - 1)
        let fraction = Float(centre - Double(left))
        if right == left || fraction == 0 { return [Tap(index: left, weight: 1)] }
        return [Tap(index: left, weight: 1 - fraction), Tap(index: right, weight: fraction)]
    }

    private static func areaTaps(_ position: Int, scale: Double, inputSize: Int) -> [Tap] {
        let start = Double(position) * scale
        let end = min(Double(position + 1) * scale, Double(inputSize))
        var taps: [Tap] = []
        var index = Int(start.rounded(.down))
        while index < inputSize && Double(index) < end {
            let covered = min(end, Double(index + 1)) - max(start, Double(index))
            if covered > 1e-12 { taps.append(Tap(index: index, weight: Float(covered / (end - start)))) }
            index += 1
        }
        return taps.isEmpty ? [Tap(index: min(max(index - 1, 0), inputSize - 1), weight: 1)] : taps
    }
}
