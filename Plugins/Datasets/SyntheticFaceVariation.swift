// What changes from one image of an identity to the next: pose, expression, lighting, blur, noise.
//
// Real face datasets (e.g. ORL: 10 images per person) vary in exactly these ways while the person
// stays recognisable; the synthetic images mimic that so that recognizers trained on them learn
// identity rather than memorising single images. The amplitudes are kept small enough that a plain
// nearest-centroid classifier on pixels still tells identities apart (see the tests).

/// The per-image variation of one synthetic face, drawn from `(seed, identity, image)`.
public struct SyntheticFaceVariation: Sendable, Equatable {
    /// In-plane rotation of the whole head, radians (positive is clockwise on screen).
    public var rotation: Float
    /// Shift of the head as a fraction of the frame width / height.
    public var shiftX: Float
    public var shiftY: Float
    /// Overall scale factor of the head (1 = canonical framing).
    public var scale: Float
    /// Slight yaw in [-1, 1]: inner features slide sideways and the far side is squashed.
    public var yaw: Float

    /// Added to the identity's resting smile (face units of corner lift).
    public var smile: Float
    /// Multiplies the eye opening (1 = resting).
    public var eyeOpenness: Float
    /// Raises the eyebrows (face units).
    public var browRaise: Float

    /// Direction the light comes from (radians, 0 = from the right) and strength of the resulting
    /// brightness gradient across the frame.
    public var lightAngle: Float
    public var lightStrength: Float
    /// Overall brightness factor and contrast factor around mid-grey.
    public var brightness: Float
    public var contrast: Float

    /// Blur amount in [0, 1] (mix of the image with its 3 x 3 binomial blur).
    public var blur: Float
    /// Amplitude of additive pixel noise.
    public var noise: Float

    /// The canonical image: frontal, neutral, evenly lit, sharp and noise-free.
    public static let none = SyntheticFaceVariation(
        rotation: 0, shiftX: 0, shiftY: 0, scale: 1, yaw: 0, smile: 0, eyeOpenness: 1, browRaise: 0,
        lightAngle: 0, lightStrength: 0, brightness: 1, contrast: 1, blur: 0, noise: 0)

    public init(rotation: Float, shiftX: Float, shiftY: Float, scale: Float, yaw: Float, smile: Float,
                eyeOpenness: Float, browRaise: Float, lightAngle: Float, lightStrength: Float,
                brightness: Float, contrast: Float, blur: Float, noise: Float) {
        self.rotation = rotation
        self.shiftX = shiftX
        self.shiftY = shiftY
        self.scale = scale
        self.yaw = yaw
        self.smile = smile
        self.eyeOpenness = eyeOpenness
        self.browRaise = browRaise
        self.lightAngle = lightAngle
        self.lightStrength = lightStrength
        self.brightness = brightness
        self.contrast = contrast
        self.blur = blur
        self.noise = noise
    }

    /// Draws the variation of image `image` of global identity `identity` under `seed`.
    ///
    /// `strength` scales every geometric and photometric change (0 gives `.none`'s pose and
    /// lighting, 1 the default amount, up to about 2 for harder data).
    public init(identity: Int, image: Int, seed: UInt64, strength: Float = 1) {
        var rng = SyntheticFaceRandom(seed: seed, stream: [0x7A, identity, image])
        let k = max(strength, 0)
        // Every draw happens whatever the strength, so the stream stays aligned; the clamps keep
        // large strengths from turning faces upside down, inside out or black.
        func bounded(_ value: Float, _ low: Float, _ high: Float) -> Float { SyntheticFaceMath.clamp(value, low, high) }
        rotation = bounded(rng.centered(0.12) * k, -0.5, 0.5)
        shiftX = bounded(rng.centered(0.03) * k, -0.15, 0.15)
        shiftY = bounded(rng.centered(0.03) * k, -0.15, 0.15)
        scale = bounded(1 + rng.centered(0.06) * k, 0.7, 1.3)
        yaw = bounded(rng.centered(0.8) * k, -1, 1)

        smile = bounded(rng.centered(0.025) * k, -0.05, 0.06)
        eyeOpenness = bounded(1 + rng.centered(0.35) * k, 0.25, 1.3)
        browRaise = bounded(rng.centered(0.025) * k, -0.05, 0.05)

        lightAngle = rng.uniform(0, 6.2831855)
        lightStrength = bounded(rng.uniform(0, 0.2) * k, 0, 0.6)
        brightness = bounded(1 + rng.centered(0.1) * k, 0.5, 1.5)
        contrast = bounded(1 + rng.centered(0.12) * k, 0.5, 1.5)
        blur = bounded(rng.uniform(0, 0.7) * k, 0, 1)
        noise = bounded(rng.uniform(0.005, 0.03) * k, 0, 0.15)
    }
}
