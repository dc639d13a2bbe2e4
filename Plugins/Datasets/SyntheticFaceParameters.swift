// The identity of one synthetic face: every trait that stays fixed across that identity's images.
//
// Coordinates are "face units": the origin is the centre of the frame, y points down, and the frame
// spans y in [-1, 1] (x in about [-0.82, 0.82] for the 92 x 112 aligned-crop layout). Ranges below
// are chosen so that faces resemble aligned face crops (eyes a little above the centre, chin near
// the bottom, hair near the top) while identities differ clearly.

/// An RGB colour with components in [0, 1].
public struct SyntheticFaceColor: Sendable, Equatable {
    public var red: Float
    public var green: Float
    public var blue: Float

    public init(_ red: Float, _ green: Float, _ blue: Float) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// Rec. 601 luma, used when drawing greyscale images.
    public var luminance: Float { 0.299 * red + 0.587 * green + 0.114 * blue }

    /// This colour multiplied by `factor` (darker below 1, lighter above), clamped to [0, 1].
    public func scaled(_ factor: Float) -> SyntheticFaceColor {
        SyntheticFaceColor(min(red * factor, 1), min(green * factor, 1), min(blue * factor, 1))
    }

    /// The colour a fraction `t` of the way towards `other`.
    public func blended(with other: SyntheticFaceColor, _ t: Float) -> SyntheticFaceColor {
        SyntheticFaceColor(SyntheticFaceMath.mix(red, other.red, t), SyntheticFaceMath.mix(green, other.green, t),
                           SyntheticFaceMath.mix(blue, other.blue, t))
    }

    /// Interpolates along a palette ordered by `t` in [0, 1].
    static func along(_ palette: [SyntheticFaceColor], _ t: Float) -> SyntheticFaceColor {
        let position = SyntheticFaceMath.clamp(t, 0, 1) * Float(palette.count - 1)
        let i = min(Int(position), palette.count - 2)
        return palette[i].blended(with: palette[i + 1], position - Float(i))
    }
}

/// Hair styles; each gives a clearly different silhouette at the top and sides of the head.
public enum SyntheticHairStyle: Int, Sendable, CaseIterable {
    case bald, short, fringe, long, curly
}

/// All identity traits of one synthetic face, drawn deterministically from `(seed, identity)`.
public struct SyntheticFaceParameters: Sendable, Equatable {
    // Head: half-width, half-heights above and below the centre, jaw taper (0 = oval, 0.35 = narrow
    // chin) and vertical centre.
    public var headWidth: Float
    public var headTop: Float
    public var headBottom: Float
    public var jaw: Float
    public var headY: Float
    public var skin: SyntheticFaceColor

    // Hair: style, colour, height of the hairline above the eyes (positive), extra volume above the
    // skull, and parting offset in [-1, 1] (which side the hairline is lower).
    public var hairStyle: SyntheticHairStyle
    public var hair: SyntheticFaceColor
    public var hairline: Float
    public var hairVolume: Float
    public var parting: Float

    // Eyes: vertical position, half distance between the eye centres, half-width and half-height of
    // the eye opening, tilt (radians, outer corners up when positive), iris colour.
    public var eyeY: Float
    public var eyeSpacing: Float
    public var eyeWidth: Float
    public var eyeHeight: Float
    public var eyeTilt: Float
    public var iris: SyntheticFaceColor

    // Eyebrows: gap above the eye centre, thickness, angle (outer end raised when positive), arch.
    public var browGap: Float
    public var browThickness: Float
    public var browAngle: Float
    public var browArch: Float

    // Nose: length from the eye line to the nose base, half-width of the base.
    public var noseLength: Float
    public var noseWidth: Float

    // Mouth: gap below the nose base, half-width, upper and lower lip thickness, resting smile
    // (corner lift in face units; negative is a slight frown), lip colour.
    public var mouthGap: Float
    public var mouthWidth: Float
    public var upperLip: Float
    public var lowerLip: Float
    public var smile: Float
    public var lips: SyntheticFaceColor

    // Optional features.
    public var glasses: Bool
    public var roundGlasses: Bool
    public var glassesFrame: SyntheticFaceColor
    public var beard: Bool
    public var moustache: Bool
    public var earsVisible: Bool
    public var earSize: Float
    public var clothing: SyntheticFaceColor

    /// Skin colours from dark to light; the position is one of the spread traits.
    static let skinPalette = [
        SyntheticFaceColor(0.30, 0.20, 0.15), SyntheticFaceColor(0.52, 0.36, 0.27),
        SyntheticFaceColor(0.72, 0.53, 0.42), SyntheticFaceColor(0.87, 0.69, 0.58),
        SyntheticFaceColor(0.97, 0.83, 0.73),
    ]
    /// Hair colours ordered by lightness: black, dark brown, brown, auburn, blond, grey.
    static let hairPalette = [
        SyntheticFaceColor(0.05, 0.045, 0.04), SyntheticFaceColor(0.20, 0.13, 0.08),
        SyntheticFaceColor(0.38, 0.25, 0.15), SyntheticFaceColor(0.55, 0.27, 0.12),
        SyntheticFaceColor(0.82, 0.68, 0.42), SyntheticFaceColor(0.80, 0.80, 0.78),
    ]
    static let irisPalette = [
        SyntheticFaceColor(0.18, 0.10, 0.05), SyntheticFaceColor(0.35, 0.22, 0.10),
        SyntheticFaceColor(0.40, 0.42, 0.20), SyntheticFaceColor(0.30, 0.50, 0.40),
        SyntheticFaceColor(0.35, 0.50, 0.70), SyntheticFaceColor(0.50, 0.55, 0.60),
    ]

    /// Draws identity number `identity` (a global index: datasets add their `identityOffset`) of
    /// the family selected by `seed`.
    ///
    /// Skin tone, hair colour, hair style and head width come from a low-discrepancy sequence over
    /// the identity index, so consecutive identities differ strongly in these most visible traits;
    /// everything else comes from the identity's own random stream.
    public init(identity: Int, seed: UInt64) {
        var offsets = SyntheticFaceRandom(seed: seed, stream: [0x5EED])
        let spread = (0..<4).map { dimension -> Float in
            SyntheticFaceSpread.coordinate(dimension, index: identity, offset: Double(offsets.unit()))
        }
        var rng = SyntheticFaceRandom(seed: seed, stream: [0x1D, identity])

        skin = SyntheticFaceColor.along(Self.skinPalette, spread[0])
            .blended(with: SyntheticFaceColor(0.9, 0.6, 0.55), rng.uniform(0, 0.1))
        hairStyle = SyntheticHairStyle(rawValue: min(Int(spread[2] * 5), 4)) ?? .short
        // Keep hair and skin apart in lightness so the hairline is visible even in grey images.
        var hairPosition = spread[1]
        let skinLight = skin.luminance
        if abs(SyntheticFaceColor.along(Self.hairPalette, hairPosition).luminance - skinLight) < 0.15 {
            hairPosition = skinLight > 0.45 ? hairPosition * 0.4 : 0.75 + hairPosition * 0.25
        }
        hair = SyntheticFaceColor.along(Self.hairPalette, hairPosition)
        headWidth = 0.46 + 0.14 * spread[3]

        headTop = rng.uniform(0.76, 0.86)
        headBottom = rng.uniform(0.68, 0.78)
        jaw = rng.uniform(0.0, 0.35)
        headY = rng.uniform(0.02, 0.08)

        hairline = rng.uniform(0.36, 0.52)
        hairVolume = rng.uniform(0.03, 0.10)
        parting = rng.uniform(-1, 1)

        eyeY = rng.uniform(-0.12, -0.05)
        eyeSpacing = rng.uniform(0.18, 0.24) * (0.85 + 0.3 * spread[3])
        eyeWidth = rng.uniform(0.072, 0.098)
        eyeHeight = eyeWidth * rng.uniform(0.38, 0.55)
        eyeTilt = rng.uniform(-0.12, 0.12)
        iris = Self.irisPalette[rng.index(Self.irisPalette.count)]

        browGap = rng.uniform(0.085, 0.13)
        browThickness = rng.uniform(0.014, 0.042)
        browAngle = rng.uniform(-0.22, 0.28)
        browArch = rng.uniform(0, 0.045)

        noseLength = rng.uniform(0.22, 0.32)
        noseWidth = rng.uniform(0.05, 0.09)

        mouthGap = rng.uniform(0.11, 0.17)
        mouthWidth = rng.uniform(0.11, 0.18)
        upperLip = rng.uniform(0.012, 0.03)
        lowerLip = rng.uniform(0.018, 0.042)
        smile = rng.uniform(-0.01, 0.03)
        lips = skin.blended(with: SyntheticFaceColor(0.55, 0.2, 0.2), rng.uniform(0.25, 0.55)).scaled(0.85)

        // Glasses and beards are evenly interleaved over consecutive identities (see SyntheticFaceSpread).
        glasses = SyntheticFaceSpread.weyl(index: identity, step: SyntheticFaceSpread.golden,
                                           offset: Double(offsets.unit())) < 0.25
        roundGlasses = rng.chance(0.5)
        glassesFrame = rng.chance(0.6) ? SyntheticFaceColor(0.08, 0.08, 0.09)
            : SyntheticFaceColor(0.62, 0.58, 0.5)
        beard = SyntheticFaceSpread.weyl(index: identity, step: SyntheticFaceSpread.silver,
                                         offset: Double(offsets.unit())) < 0.15
        moustache = beard || rng.chance(0.12)
        earsVisible = hairStyle != .long && hairStyle != .curly && rng.chance(0.85)
        earSize = rng.uniform(0.11, 0.15)
        clothing = SyntheticFaceColor(rng.uniform(0.1, 0.85), rng.uniform(0.1, 0.85), rng.uniform(0.1, 0.85))

        // Style-specific hairline adjustments: fringes come down to the brows, bald heads recede.
        switch hairStyle {
        case .fringe: hairline = rng.uniform(0.2, 0.27)
        case .bald: hairline = rng.uniform(0.55, 0.65)
        case .curly: hairVolume += rng.uniform(0.08, 0.14)
        case .long, .short: break
        }
    }
}
