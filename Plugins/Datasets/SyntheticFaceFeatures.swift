// The inner facial features of a synthetic face: eyes, eyebrows, nose and mouth.
//
// They carry most of what makes a face read as a face at low resolution (dark eyes and brows, the
// shadow under the nose, the mouth line), so each is drawn as a few overlapping layers: a soft
// shadow for depth, the crisp shape, and a thin dark line where real faces have one.

extension SyntheticFacePainter {
    /// Both eyes: socket shadow, white, iris, pupil, lid lines and a catch-light.
    mutating func drawEyes() {
        let openness = v.eyeOpenness
        let height = p.eyeHeight * openness
        let irisRadius = p.eyeHeight * 0.95
        for side: Float in [-1, 1] {
            let ex = side * p.eyeSpacing, ey = p.eyeY
            let angle = -side * p.eyeTilt
            canvas.fill(SyntheticFaceEllipse(ex, ey - 0.012, p.eyeWidth * 1.55, p.eyeHeight * 2.3 + 0.02, angle: angle),
                        p.skin.scaled(0.72), opacity: 0.45, softness: 0.06)
            let eye = SyntheticFaceEllipse(ex, ey, p.eyeWidth, height, angle: angle)
            canvas.fill(eye, SyntheticFaceColor(0.86, 0.84, 0.8).blended(with: p.skin, 0.25))
            let lookX = ex - side * 0.004
            canvas.fill(SyntheticFaceIntersection(eye, SyntheticFaceEllipse(lookX, ey, irisRadius, irisRadius)), p.iris)
            canvas.fill(SyntheticFaceIntersection(eye, SyntheticFaceEllipse(lookX, ey, irisRadius * 0.45, irisRadius * 0.45)),
                        SyntheticFaceColor(0.03, 0.03, 0.03))

            // Corners of the eye after tilting, for the lid lines.
            let c = SyntheticFaceMath.cos(angle), s = SyntheticFaceMath.sin(angle)
            let ax = ex - p.eyeWidth * c, ay = ey - p.eyeWidth * s
            let bx = ex + p.eyeWidth * c, by = ey + p.eyeWidth * s
            let upper = SyntheticFaceStroke.curve((ax, ay), (ex, ey - 2 * height), (bx, by),
                                                  widths: (0.004, 0.011, 0.006))
            canvas.fill(upper, SyntheticFaceColor(0.08, 0.06, 0.05), opacity: 0.9)
            let crease = SyntheticFaceStroke.curve((ax, ay - 0.01), (ex, ey - 2 * height - 0.045), (bx, by - 0.012),
                                                   widths: (0.003, 0.005, 0.003))
            canvas.fill(crease, p.skin.scaled(0.6), opacity: 0.35, softness: 0.01)
            let lower = SyntheticFaceStroke.curve((ax, ay), (ex, ey + 2 * height), (bx, by),
                                                  widths: (0.002, 0.005, 0.003))
            canvas.fill(lower, p.skin.scaled(0.55), opacity: 0.4)
            if openness > 0.5 {
                canvas.fill(SyntheticFaceEllipse(lookX + irisRadius * 0.35, ey - irisRadius * 0.35, 0.009, 0.009),
                            SyntheticFaceColor(1, 1, 1), opacity: 0.75)
            }
        }
    }

    /// Tapered, slightly arched eyebrows in a darkened hair colour.
    mutating func drawBrows() {
        let color = (p.hairStyle == .bald ? p.hair.blended(with: SyntheticFaceColor(0.2, 0.17, 0.15), 0.4) : p.hair)
            .scaled(0.72)
        for side: Float in [-1, 1] {
            let y = p.eyeY - p.browGap - v.browRaise
            let innerX = side * (p.eyeSpacing - p.eyeWidth * 0.95), outerX = side * (p.eyeSpacing + p.eyeWidth * 1.2)
            let innerY = y + 0.005, outerY = y - p.browAngle * 0.1
            let control = ((innerX + outerX) / 2, (innerY + outerY) / 2 - 2 * p.browArch)
            let t = p.browThickness
            let brow = SyntheticFaceStroke.curve((innerX, innerY), control, (outerX, outerY),
                                                 widths: (t * 0.55, t * 0.5, t * 0.2))
            canvas.fill(brow, color, opacity: 0.95, softness: 0.006)
        }
    }

    /// Nose: shadows along the bridge (deeper on the side away from the light), a highlight on the
    /// tip, the shadow under it, the wings and the nostrils.
    mutating func drawNose() {
        let base = noseY, w = p.noseWidth
        for side: Float in [-1, 1] {
            let away = max(-side * lightX, 0)
            let bridge = SyntheticFaceStroke.curve((side * 0.035, p.eyeY + 0.04), (side * 0.045, base - 0.12),
                                                   (side * w * 0.8, base - 0.045), widths: (0.008, 0.014, 0.02))
            canvas.fill(bridge, p.skin.scaled(0.62), opacity: 0.22 + 1.2 * away, softness: 0.03)
        }
        canvas.fill(SyntheticFaceEllipse(0, base - 0.045, w * 0.55, 0.045), p.skin.scaled(1.15), opacity: 0.35,
                    softness: 0.03)
        canvas.fill(SyntheticFaceEllipse(0, base + 0.018, w * 1.05, 0.022), p.skin.scaled(0.6), opacity: 0.45,
                    softness: 0.02)
        for side: Float in [-1, 1] {
            let wing = SyntheticFaceStroke.curve((side * w, base - 0.05), (side * w * 1.2, base),
                                                 (side * w * 0.5, base + 0.004), widths: (0.003, 0.008, 0.004))
            canvas.fill(wing, p.skin.scaled(0.55), opacity: 0.6, softness: 0.004)
            canvas.fill(SyntheticFaceEllipse(side * w * 0.42, base - 0.002, w * 0.3, 0.013, angle: side * 0.3),
                        p.skin.scaled(0.3), opacity: 0.85)
        }
    }

    /// Mouth: shadow under the lower lip, both lips (the upper with a cupid's bow), the dark line
    /// between them, and moustache if any. Smile lifts the corners.
    mutating func drawMouth() {
        let y = mouthY, w = p.mouthWidth, bend = p.smile + v.smile
        canvas.fill(SyntheticFaceEllipse(0, y + p.lowerLip + 0.035, w * 0.6, 0.025), p.skin.scaled(0.7),
                    opacity: 0.4, softness: 0.03)
        canvas.fill(SyntheticFaceLipBand(cx: 0, y0: y, halfWidth: w, bend: bend, top: p.upperLip, bottom: 0, bow: 0.35),
                    p.lips.scaled(0.88))
        canvas.fill(SyntheticFaceLipBand(cx: 0, y0: y, halfWidth: w, bend: bend, top: 0, bottom: p.lowerLip, bow: 0),
                    p.lips)
        canvas.fill(SyntheticFaceEllipse(0, y + p.lowerLip * 0.45, w * 0.4, p.lowerLip * 0.3), p.lips.scaled(1.25),
                    opacity: 0.3, softness: 0.015)
        let line = SyntheticFaceStroke.curve((-w * 1.03, y - bend), (0, y + bend), (w * 1.03, y - bend),
                                             widths: (0.003, 0.007, 0.003))
        canvas.fill(line, p.lips.scaled(0.35), opacity: 0.9)
        if p.moustache {
            let top = y - p.upperLip - 0.035
            let moustache = SyntheticFaceStroke.curve((-w * 1.1, y - bend + 0.015), (0, top - 0.03),
                                                      (w * 1.1, y - bend + 0.015), widths: (0.008, 0.024, 0.008))
            canvas.fill(moustache, p.hair.scaled(0.8), opacity: 0.92, softness: 0.008)
        }
    }
}
