// Draws one synthetic face: the painter's order of layers and the head, hair, neck, ears, beard
// and glasses. The inner features (eyes, brows, nose, mouth) are in SyntheticFaceFeatures.swift.

/// Renders synthetic faces into Float pixel buffers.
public enum SyntheticFaceRenderer {
    /// Draws the face `parameters` under `variation` into a new channel-planar buffer of
    /// `channels x height x width` values in [0, 1] (channels 1 = grey, 3 = RGB).
    ///
    /// `noiseSeed` selects the pixel-noise pattern, so the result is a pure function of the inputs.
    public static func render(_ parameters: SyntheticFaceParameters, variation: SyntheticFaceVariation,
                              width: Int, height: Int, channels: Int,
                              background: SyntheticFaceBackground = .standard, noiseSeed: UInt64 = 0) -> [Float] {
        let canvas = SyntheticFaceCanvas(width: width, height: height, channels: channels,
                                         variation: variation, background: background)
        var painter = SyntheticFacePainter(canvas: canvas, p: parameters, v: variation)
        painter.paint()
        var result = painter.canvas
        result.applyLighting(variation)
        result.blur(variation.blur)
        var rng = SyntheticFaceRandom(seed: noiseSeed)
        result.addNoiseAndClamp(variation.noise, &rng)
        return result.pixels
    }
}

/// Paints the layers of one face onto a canvas, back to front.
struct SyntheticFacePainter {
    var canvas: SyntheticFaceCanvas
    let p: SyntheticFaceParameters
    let v: SyntheticFaceVariation
    let head: SyntheticFaceHead
    /// Horizontal component of the light direction times its strength: positive when the light
    /// comes from the right, which darkens the left side of the nose and head.
    let lightX: Float

    init(canvas: SyntheticFaceCanvas, p: SyntheticFaceParameters, v: SyntheticFaceVariation) {
        self.canvas = canvas
        self.p = p
        self.v = v
        head = SyntheticFaceHead(cx: 0, cy: p.headY, rx: p.headWidth, top: p.headTop, bottom: p.headBottom, jaw: p.jaw)
        lightX = SyntheticFaceMath.cos(v.lightAngle) * v.lightStrength
    }

    /// Vertical position of the nose base and of the mouth line.
    var noseY: Float { p.eyeY + p.noseLength }
    var mouthY: Float { noseY + p.mouthGap }
    var chinY: Float { p.headY + p.headBottom }

    mutating func paint() {
        drawBackHair()
        drawNeckAndShoulders()
        drawEars()
        drawHead()
        if p.beard { drawBeard() }
        drawEyes()
        drawNose()
        drawMouth()
        drawFrontHair()
        drawBrows()
        if p.glasses { drawGlasses() }
    }

    /// Hair behind the head: long hair falling to the shoulders, or a wide curly volume.
    mutating func drawBackHair() {
        let color = p.hair.scaled(0.8)
        switch p.hairStyle {
        case .long:
            let rx = p.headWidth + p.hairVolume + 0.1
            let top = SyntheticFaceEllipse(0, p.headY - 0.05, rx, p.headTop + p.hairVolume - 0.02)
            let fall = SyntheticFaceRoundedBox(cx: 0, cy: p.headY + 0.35, hx: rx, hy: 0.52, radius: 0.2)
            canvas.fill(SyntheticFaceUnion(top, fall), color, softness: 0.01)
        case .curly:
            let rx = p.headWidth + p.hairVolume + 0.06
            let ry = p.headTop * 0.8 + p.hairVolume
            let outline = SyntheticFaceBumpyEllipse(ellipse: SyntheticFaceEllipse(0, p.headY - 0.15, rx, ry),
                                                    bumps: 22, amplitude: 0.04)
            canvas.fill(outline, color, softness: 0.01)
        case .bald, .short, .fringe:
            break
        }
    }

    mutating func drawNeckAndShoulders() {
        let neckWidth = p.headWidth * 0.52
        let neck = SyntheticFaceRoundedBox(cx: 0, cy: chinY + 0.2, hx: neckWidth, hy: 0.5, radius: 0.06)
        canvas.fill(neck, p.skin.scaled(0.78))
        let shoulders = SyntheticFaceEllipse(0, chinY + 0.62, 1.15, 0.5)
        canvas.fill(shoulders, p.clothing)
        // Neckline: skin showing above the shirt.
        canvas.fill(SyntheticFaceEllipse(0, chinY + 0.14, neckWidth * 1.05, 0.14), p.skin.scaled(0.74))
        // Shadow the head casts on the neck.
        canvas.fill(SyntheticFaceEllipse(0, chinY + 0.02, p.headWidth * 0.6, 0.08), p.skin.scaled(0.5),
                    opacity: 0.5, softness: 0.06)
    }

    mutating func drawEars() {
        guard p.earsVisible else { return }
        let y = p.eyeY + 0.1
        let dy = (y - p.headY) / p.headTop
        let edge = p.headWidth * max(1 - dy * dy, 0).squareRoot()
        for side: Float in [-1, 1] {
            let cx = side * (edge + p.earSize * 0.12)
            canvas.fill(SyntheticFaceEllipse(cx, y, p.earSize * 0.42, p.earSize, angle: side * 0.12), p.skin.scaled(0.9))
            canvas.fill(SyntheticFaceEllipse(cx + side * 0.01, y, p.earSize * 0.2, p.earSize * 0.6, angle: side * 0.12),
                        p.skin.scaled(0.68), opacity: 0.7, softness: 0.02)
        }
    }

    /// The face itself, shaded darker towards its rim and on the side away from the light.
    mutating func drawHead() {
        canvas.fill(head, p.skin, shade: HeadShading(cy: p.headY + 0.05, rx: p.headWidth,
                                                     ry: (p.headTop + p.headBottom) / 2, light: lightX))
        // Cheekbone highlights.
        for side: Float in [-1, 1] {
            canvas.fill(SyntheticFaceEllipse(side * p.headWidth * 0.5, noseY - 0.05, 0.12, 0.08), p.skin.scaled(1.12),
                        opacity: 0.3, softness: 0.08)
        }
    }

    /// A full beard: the lower face below a line that runs level with the mouth between its corners
    /// and rises diagonally along the cheeks to the sideburns, with a ragged top edge. The moustache
    /// and lips are drawn over it.
    mutating func drawBeard() {
        let widened = SyntheticFaceHead(cx: 0, cy: p.headY, rx: p.headWidth + 0.012, top: p.headTop,
                                        bottom: p.headBottom + 0.03, jaw: p.jaw)
        let base = mouthY - 0.01, knee = p.mouthWidth * 1.1
        let sides = noseY - 0.1
        let edge = SyntheticFaceCurveSide(base: base, vee: (sides - base) / (p.headWidth - knee), knee: knee,
                                          ragged: 0.012, period: 0.035, above: false)
        canvas.fill(SyntheticFaceIntersection(widened, edge), p.hair.scaled(0.85), opacity: 0.8, softness: 0.02)
    }

    /// Hair in front of the forehead: a cap bounded by the skull outline (plus volume) and the
    /// hairline curve, whose shape depends on the style.
    mutating func drawFrontHair() {
        let volume = p.hairVolume
        let cap = SyntheticFaceEllipse(0, p.headY - 0.05, p.headWidth + 0.6 * volume + 0.012,
                                       p.headTop + volume - 0.05)
        let base = p.eyeY - p.hairline
        var sides = p.eyeY - 0.04, slope = p.parting * 0.08, ragged: Float = 0, period: Float = 1
        // Short styles end at the temples; only long hair falls further down the sides.
        var lowest = p.eyeY + 0.02
        switch p.hairStyle {
        case .bald:
            drawBaldSides()
            return
        case .short:
            ragged = 0.012; period = 0.05
        case .fringe:
            sides = p.eyeY + 0.02; ragged = 0.03; period = 0.1
        case .long:
            sides = p.eyeY + 0.32; slope = p.parting * 0.3; lowest = 2
        case .curly:
            sides = p.eyeY - 0.02; ragged = 0.035; period = 0.13
        }
        let curvature = (sides - base) / (p.headWidth * p.headWidth)
        let line = SyntheticFaceCurveSide(base: base, curvature: curvature, slope: slope, ragged: ragged,
                                          period: period, above: true)
        let hair = SyntheticFaceIntersection(cap, SyntheticFaceIntersection(
            line, SyntheticFaceCurveSide(base: lowest, above: true)))
        let topY = p.headY - p.headTop - volume
        let span = p.eyeY - topY
        canvas.fill(hair, p.hair, softness: 0.006, shade: HairSheen(top: topY, span: span))
        // A few faint strands for texture, clipped to the hair.
        for i in 0..<4 {
            let x = (Float(i) - 1.5) * p.headWidth * 0.35 + p.parting * 0.05
            let strand = SyntheticFaceStroke.curve((x * 0.4, topY + 0.04), (x * 1.2, topY + span * 0.3),
                                                   (x * 1.1, base + 0.05), widths: (0.002, 0.005, 0.002), segments: 5)
            canvas.fill(SyntheticFaceClipped(shape: strand, mask: hair), p.hair.scaled(0.75), opacity: 0.3)
        }
    }

    /// A receding horseshoe of hair hugging the sides of a bald head, and a highlight on the scalp.
    mutating func drawBaldSides() {
        let rim = SyntheticFaceIntersection(
            SyntheticFaceHead(cx: 0, cy: p.headY, rx: p.headWidth + 0.006, top: p.headTop + 0.006,
                              bottom: p.headBottom, jaw: p.jaw),
            SyntheticFaceOutside(SyntheticFaceHead(cx: 0, cy: p.headY, rx: p.headWidth - 0.045, top: p.headTop,
                                                   bottom: p.headBottom, jaw: p.jaw)))
        for side: Float in [-1, 1] {
            let patch = SyntheticFaceEllipse(side * p.headWidth, p.eyeY - 0.02, 0.14, 0.2)
            canvas.fill(SyntheticFaceIntersection(patch, rim), p.hair.blended(with: p.skin, 0.45), opacity: 0.6,
                        softness: 0.02)
        }
        canvas.fill(SyntheticFaceEllipse(0.08, p.headY - p.headTop * 0.72, 0.16, 0.07, angle: -0.2),
                    p.skin.scaled(1.25), opacity: 0.3, softness: 0.06)
    }

    mutating func drawGlasses() {
        let rx = p.eyeWidth * 1.55, ry = p.eyeWidth * 1.2, t: Float = 0.011
        for side: Float in [-1, 1] {
            let cx = side * p.eyeSpacing, cy = p.eyeY + 0.008
            if p.roundGlasses {
                drawLens(SyntheticFaceEllipse(cx, cy, rx, ry), thickness: t)
            } else {
                drawLens(SyntheticFaceRoundedBox(cx: cx, cy: cy, hx: rx, hy: ry * 0.9, radius: 0.035), thickness: t)
            }
            let temple = SyntheticFaceStroke(xs: [side * (p.eyeSpacing + rx), side * p.headWidth * 0.97],
                                             ys: [cy - ry * 0.4, cy - ry * 0.6], halfWidths: [t, t * 0.8])
            canvas.fill(temple, p.glassesFrame)
        }
        let inner = p.eyeSpacing - rx
        let bridge = SyntheticFaceStroke.curve((-inner, p.eyeY - 0.01), (0, p.eyeY - 0.05), (inner, p.eyeY - 0.01),
                                               widths: (t, t * 0.8, t))
        canvas.fill(bridge, p.glassesFrame)
    }

    /// One lens: a faint reflection inside and the frame around it.
    mutating func drawLens<S: SyntheticFaceShape>(_ lens: S, thickness: Float) {
        canvas.fill(lens, SyntheticFaceColor(1, 1, 1), opacity: 0.07)
        canvas.fill(SyntheticFaceOutline(a: lens, halfWidth: thickness), p.glassesFrame)
    }
}

/// Rounded-head shading: brighter in the middle, darker towards the rim, and a little brighter on
/// the side the light comes from.
struct HeadShading: SyntheticFaceShading {
    let cy: Float, rx: Float, ry: Float, light: Float
    @inline(__always) func factor(_ x: Float, _ y: Float) -> Float {
        let nx = x / rx, ny = (y - cy) / ry
        return 1.06 - 0.4 * max(nx * nx + ny * ny - 0.3, 0) + 0.18 * light * nx
    }
}

/// A soft band of sheen on the hair a quarter of the way from the crown to the eyes.
struct HairSheen: SyntheticFaceShading {
    let top: Float, span: Float
    @inline(__always) func factor(_ x: Float, _ y: Float) -> Float {
        let t = (y - top) / span - 0.25
        return 0.9 + 0.25 * max(1 - 12 * t * t, 0)
    }
}
