// The pixel buffer synthetic faces are painted into, with anti-aliased shape filling and the
// photometric post-processing (lighting, blur, noise) that makes images of one identity differ.

/// The background behind a synthetic face.
public enum SyntheticFaceBackground: Sendable, Equatable {
    /// One flat colour.
    case plain(SyntheticFaceColor)
    /// A linear blend from `top` (first row) to `bottom` (last row).
    case verticalGradient(top: SyntheticFaceColor, bottom: SyntheticFaceColor)

    /// A dark grey gradient, similar to the backdrop of aligned face crops such as ORL.
    public static let standard = SyntheticFaceBackground.verticalGradient(
        top: SyntheticFaceColor(0.40, 0.40, 0.42), bottom: SyntheticFaceColor(0.20, 0.20, 0.21))
}

/// A brightness factor over face coordinates, multiplied into a fill colour (a generic parameter
/// rather than a closure so that the compiler inlines it into the pixel loop).
protocol SyntheticFaceShading {
    func factor(_ x: Float, _ y: Float) -> Float
}

/// No shading.
struct SyntheticFaceFlat: SyntheticFaceShading {
    @inline(__always) func factor(_ x: Float, _ y: Float) -> Float { 1 }
}

/// A channel-planar Float image (C x H x W) plus the mapping from pixels to face units.
///
/// The mapping applies the pose of a `SyntheticFaceVariation`: the face is centred and scaled like
/// an aligned crop (the frame's height spans 2 face units when the aspect ratio is 92:112 or
/// taller; wider frames keep the head's size relative to the height), then shifted, rotated and
/// scaled, and a horizontal warp imitates a slight yaw.
struct SyntheticFaceCanvas {
    let width: Int, height: Int, channels: Int
    /// Pixel values, channel-planar.
    var pixels: [Float]
    /// Face coordinates of every pixel centre (after pose and yaw warp), row-major.
    private var faceX: [Float], faceY: [Float]
    /// Face units per pixel, the width of an anti-aliased edge.
    let pixelSize: Float
    private let centerX: Float, centerY: Float, unit: Float, cosR: Float, sinR: Float, yawMargin: Float

    /// Width of the frame in face units for the aligned-crop aspect ratio 92:112.
    static let frameAspect: Float = 92.0 / 112.0
    /// How far the yaw warp moves the centre of the face, in face units, at yaw 1.
    static let yawShift: Float = 0.11

    init(width: Int, height: Int, channels: Int, variation: SyntheticFaceVariation, background: SyntheticFaceBackground) {
        precondition(width > 0 && height > 0 && (channels == 1 || channels == 3), "bad canvas size")
        self.width = width; self.height = height; self.channels = channels
        unit = min(Float(width) / SyntheticFaceCanvas.frameAspect, Float(height)) / 2 * variation.scale
        pixelSize = 1 / unit
        centerX = Float(width) / 2 + variation.shiftX * Float(width)
        centerY = Float(height) / 2 + variation.shiftY * Float(height)
        cosR = SyntheticFaceMath.cos(variation.rotation)
        sinR = SyntheticFaceMath.sin(variation.rotation)
        yawMargin = SyntheticFaceCanvas.yawShift * abs(variation.yaw)

        let count = width * height
        faceX = [Float](repeating: 0, count: count)
        faceY = [Float](repeating: 0, count: count)
        let yaw = variation.yaw * SyntheticFaceCanvas.yawShift
        for py in 0..<height {
            for px in 0..<width {
                let dx = (Float(px) + 0.5 - centerX) / unit, dy = (Float(py) + 0.5 - centerY) / unit
                var x = cosR * dx + sinR * dy
                let y = cosR * dy - sinR * dx
                let r = x / 0.8
                if r * r < 1 { x -= yaw * (1 - r * r) }
                faceX[py * width + px] = x
                faceY[py * width + px] = y
            }
        }

        pixels = [Float](repeating: 0, count: count * channels)
        for py in 0..<height {
            let t = height > 1 ? Float(py) / Float(height - 1) : 0
            let color: SyntheticFaceColor
            switch background {
            case .plain(let c): color = c
            case .verticalGradient(let top, let bottom): color = top.blended(with: bottom, t)
            }
            let values = SyntheticFaceCanvas.components(color, channels: channels)
            for ch in 0..<channels {
                let start = ch * count + py * width
                for i in start..<(start + width) { pixels[i] = values[ch] }
            }
        }
    }

    /// The channel values of a colour: luma for grey images, RGB otherwise.
    static func components(_ color: SyntheticFaceColor, channels: Int) -> [Float] {
        channels == 1 ? [color.luminance] : [color.red, color.green, color.blue]
    }

    /// The pixel rectangle (inclusive) that can be affected by a face-unit box.
    private func pixelRange(_ box: SyntheticFaceBox) -> (x0: Int, x1: Int, y0: Int, y1: Int)? {
        let b = box.intersected(SyntheticFaceBox(minX: -4, minY: -4, maxX: 4, maxY: 4)).expanded(by: yawMargin)
        guard b.minX <= b.maxX, b.minY <= b.maxY else { return nil }
        var minX = Float.greatestFiniteMagnitude, maxX = -Float.greatestFiniteMagnitude
        var minY = minX, maxY = maxX
        for (x, y) in [(b.minX, b.minY), (b.maxX, b.minY), (b.minX, b.maxY), (b.maxX, b.maxY)] {
            let px = centerX + unit * (cosR * x - sinR * y), py = centerY + unit * (sinR * x + cosR * y)
            minX = min(minX, px); maxX = max(maxX, px); minY = min(minY, py); maxY = max(maxY, py)
        }
        let x0 = max(Int((minX - 2).rounded(.down)), 0), x1 = min(Int((maxX + 2).rounded(.up)), width - 1)
        let y0 = max(Int((minY - 2).rounded(.down)), 0), y1 = min(Int((maxY + 2).rounded(.up)), height - 1)
        return x0 <= x1 && y0 <= y1 ? (x0, x1, y0, y1) : nil
    }

    /// Paints `shape` in `color` over the image with anti-aliased edges.
    ///
    /// Coverage ramps linearly across one pixel (or across `softness` face units for soft shadows
    /// and highlights). Where the field is near zero and not a true distance, its gradient is
    /// measured by finite differences, so the ramp follows the true distance anyway.
    ///
    /// `shade` multiplies the colour at each face point (shading of the head and hair).
    ///
    /// The pixels are visited in 4 x 4 tiles: a tile whose centre is far enough inside or outside
    /// is filled or skipped as a whole, so large shapes cost little more than their outline. "Far
    /// enough" uses how fast fields may change: rough fields by at most `lipschitz` per unit of
    /// distance; distance fields by 1 outside and, for the ellipse estimate, up to 3 inside (it
    /// overstates the depth inside elongated ellipses).
    mutating func fill<S: SyntheticFaceShape, H: SyntheticFaceShading>(
        _ shape: S, _ color: SyntheticFaceColor, opacity: Float = 1, softness: Float = 0, shade: H
    ) {
        guard opacity > 0, let r = pixelRange(shape.bounds.expanded(by: softness)) else { return }
        let exact = shape.isDistance
        // Partial coverage needs |f / |grad f|| < edge / 2, so |f| < edge / 2 * (largest gradient).
        let edge = max(pixelSize, softness), band = (exact ? 0.5 : 0.5 * Self.lipschitz) * edge
        let h = pixelSize * 0.5
        // Farthest pixel centre from a tile's centre pixel is 2.9 pixels; rotation keeps distances
        // and the yaw warp stretches them by at most 1 + 2 * 0.11 * 0.8 / 0.64 = 1.275.
        let tile = 2.9 * 1.3 * pixelSize
        let skipBeyond = band + (exact ? 1 : Self.lipschitz) * tile
        let fillBelow = -(band + (exact ? 3 : Self.lipschitz) * tile)
        let values = SyntheticFaceCanvas.components(color, channels: channels)
        let plane = width * height
        let channels = self.channels, width = self.width
        faceX.withUnsafeBufferPointer { fx in
            faceY.withUnsafeBufferPointer { fy in
                pixels.withUnsafeMutableBufferPointer { out in
                    for ty in stride(from: r.y0, through: r.y1, by: 4) {
                        let ty1 = min(ty + 3, r.y1)
                        for tx in stride(from: r.x0, through: r.x1, by: 4) {
                            let tx1 = min(tx + 3, r.x1)
                            let c = ((ty + ty1) / 2) * width + (tx + tx1) / 2
                            let fc = shape.distance(fx[c], fy[c])
                            if fc > skipBeyond { continue }
                            let wholeTile = fc < fillBelow
                            for py in ty...ty1 {
                                for px in tx...tx1 {
                                    let i = py * width + px
                                    let x = fx[i], y = fy[i]
                                    var coverage: Float = 1
                                    if !wholeTile {
                                        let f = shape.distance(x, y)
                                        if f >= band { continue }
                                        if f > -band && exact {
                                            coverage = SyntheticFaceMath.clamp(0.5 - f / edge, 0, 1)
                                        } else if f > -band {
                                            let gx = (shape.distance(x + h, y) - f) / h
                                            let gy = (shape.distance(x, y + h) - f) / h
                                            let g = max((gx * gx + gy * gy).squareRoot(), 0.05)
                                            coverage = SyntheticFaceMath.clamp(0.5 - f / (g * edge), 0, 1)
                                        }
                                    }
                                    let a = coverage * opacity
                                    if a <= 0 { continue }
                                    let k = shade.factor(x, y)
                                    for ch in 0..<channels {
                                        let j = ch * plane + i
                                        out[j] += (min(values[ch] * k, 1) - out[j]) * a
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Paints `shape` in one flat colour (see the shaded variant).
    mutating func fill<S: SyntheticFaceShape>(_ shape: S, _ color: SyntheticFaceColor, opacity: Float = 1,
                                             softness: Float = 0) {
        fill(shape, color, opacity: opacity, softness: softness, shade: SyntheticFaceFlat())
    }

    /// Largest rate of change of any shape field (see SyntheticFaceShape).
    static let lipschitz: Float = 4

    /// Directional lighting, brightness and contrast: the value is multiplied by
    /// `brightness * (1 + strength * (direction . position))`, position in [-1, 1]^2 across the frame,
    /// then stretched by `contrast` around mid-grey.
    mutating func applyLighting(_ v: SyntheticFaceVariation) {
        let lx = SyntheticFaceMath.cos(v.lightAngle) * v.lightStrength
        let ly = SyntheticFaceMath.sin(v.lightAngle) * v.lightStrength
        let plane = width * height
        for py in 0..<height {
            let ny = (Float(py) + 0.5) / Float(height) * 2 - 1
            for px in 0..<width {
                let nx = (Float(px) + 0.5) / Float(width) * 2 - 1
                let factor = v.brightness * (1 + lx * nx + ly * ny)
                for ch in 0..<channels {
                    let j = ch * plane + py * width + px
                    pixels[j] = 0.5 + v.contrast * (pixels[j] * factor - 0.5)
                }
            }
        }
    }

    /// Mixes the image with its separable 3 x 3 binomial blur: kernel (a/4, 1 - a/2, a/4) per axis.
    mutating func blur(_ amount: Float) {
        guard amount > 0 else { return }
        let side = amount / 4, centre = 1 - amount / 2
        var tmp = pixels
        let plane = width * height
        for ch in 0..<channels {
            for py in 0..<height {
                let row = ch * plane + py * width
                for px in 0..<width {
                    let l = pixels[row + max(px - 1, 0)], r = pixels[row + min(px + 1, width - 1)]
                    tmp[row + px] = centre * pixels[row + px] + side * (l + r)
                }
            }
            for py in 0..<height {
                let up = ch * plane + max(py - 1, 0) * width, down = ch * plane + min(py + 1, height - 1) * width
                let row = ch * plane + py * width
                for px in 0..<width {
                    pixels[row + px] = centre * tmp[row + px] + side * (tmp[up + px] + tmp[down + px])
                }
            }
        }
    }

    /// Adds triangular-distributed noise of the given amplitude and clamps every value to [0, 1].
    mutating func addNoiseAndClamp(_ amplitude: Float, _ rng: inout SyntheticFaceRandom) {
        for j in 0..<pixels.count {
            let n = amplitude > 0 ? rng.centered(amplitude) : 0
            pixels[j] = SyntheticFaceMath.clamp(pixels[j] + n, 0, 1)
        }
    }
}
