// A dataset of procedurally drawn synthetic faces: no download, fully deterministic.
//
// Uses: unit tests, a zero-download quick start, and the synthetic-face source of the dummy
// recognizer defense (a decoy classifier trained on synthetic identities, one per output class).
// Every name says "synthetic" so that no image or class is mistaken for a real person.

import Dispatch
import InvLabTensor

/// Images, labels and class names of a generated synthetic-face set.
public struct SyntheticFaceBatch: Sendable {
    /// `[N, C, H, W]` in [0, 1], identity-major: all images of class 0, then class 1, ...
    public var images: Tensor
    /// The class (0..<identities) of each image.
    public var labels: [Int]
    /// One name per class, e.g. "synthetic-007".
    public var classNames: [String]
    /// Always true: these are drawings, not photographs of people.
    public var isSynthetic: Bool { true }
}

/// A synthetic face dataset: `identities` drawn identities with `imagesPerIdentity` varied images
/// each, at any size, grey (1 channel) or RGB (3 channels).
///
/// Identity `i` of the set is the global synthetic identity `identityOffset + i` of the family
/// chosen by `seed`. Two sets with the same seed and disjoint ranges of global identities share no
/// identity, which is how a decoy set stays disjoint from a "private" synthetic set.
public struct SyntheticFaces: Sendable, Equatable {
    /// Always true, for code that treats real and synthetic data differently.
    public static let isSynthetic = true
    public var isSynthetic: Bool { Self.isSynthetic }

    public var identities: Int
    public var imagesPerIdentity: Int
    public var height: Int
    public var width: Int
    public var channels: Int
    public var seed: UInt64
    public var identityOffset: Int
    public var background: SyntheticFaceBackground
    /// Scale of the per-image variation (pose, expression, lighting, blur, noise); 0 makes all
    /// images of an identity identical, 1 is the default, larger is harder.
    public var variationStrength: Float

    public init(identities: Int = 40, imagesPerIdentity: Int = 10, height: Int = 112, width: Int = 92,
                channels: Int = 1, seed: UInt64 = 0, identityOffset: Int = 0,
                background: SyntheticFaceBackground = .standard, variationStrength: Float = 1) {
        precondition(identities >= 0 && imagesPerIdentity >= 0, "counts must not be negative")
        precondition(height > 0 && width > 0, "image size must be positive")
        precondition(channels == 1 || channels == 3, "channels must be 1 (grey) or 3 (RGB)")
        precondition(identityOffset >= 0, "identityOffset must not be negative")
        self.identities = identities
        self.imagesPerIdentity = imagesPerIdentity
        self.height = height
        self.width = width
        self.channels = channels
        self.seed = seed
        self.identityOffset = identityOffset
        self.background = background
        self.variationStrength = variationStrength
    }

    /// Number of images.
    public var count: Int { identities * imagesPerIdentity }

    /// The name of global synthetic identity `identity`: "synthetic-" and at least three digits.
    public static func className(forGlobalIdentity identity: Int) -> String {
        let digits = String(identity)
        return "synthetic-" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }

    /// Class names of this set, in label order (they include `identityOffset`).
    public var classNames: [String] {
        (0..<identities).map { Self.className(forGlobalIdentity: identityOffset + $0) }
    }

    /// The face parameters of class `identity` (0..<identities).
    public func parameters(identity: Int) -> SyntheticFaceParameters {
        SyntheticFaceParameters(identity: identityOffset + identity, seed: seed)
    }

    /// The variation of image `image` of class `identity`.
    public func variation(identity: Int, image: Int) -> SyntheticFaceVariation {
        SyntheticFaceVariation(identity: identityOffset + identity, image: image, seed: seed, strength: variationStrength)
    }

    /// One image, channel-planar `channels x height x width`, values in [0, 1].
    public func image(identity: Int, image: Int) -> [Float] {
        let global = identityOffset + identity
        let noiseSeed = SyntheticFaceRandom(seed: seed, stream: [0x4015E, global, image]).state
        return SyntheticFaceRenderer.render(parameters(identity: identity), variation: variation(identity: identity, image: image),
                                            width: width, height: height, channels: channels,
                                            background: background, noiseSeed: noiseSeed)
    }

    /// All images as `[N, C, H, W]` (identity-major), with labels and class names.
    ///
    /// Images are rendered in parallel; each depends only on its own indices, so the result is
    /// identical to rendering them one by one.
    public func generate() -> SyntheticFaceBatch {
        let size = channels * height * width
        var scalars = [Float](repeating: 0, count: count * size)
        let perIdentity = imagesPerIdentity
        scalars.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress
            Parallel.perform(iterations: count) { n in
                let pixels = image(identity: n / perIdentity, image: n % perIdentity)
                pixels.withUnsafeBufferPointer { source in
                    (base! + n * size).update(from: source.baseAddress!, count: size)
                }
            }
        }
        let labels = (0..<count).map { $0 / max(perIdentity, 1) }
        return SyntheticFaceBatch(images: Tensor(shape: [count, channels, height, width], scalars: scalars),
                                  labels: labels, classNames: classNames)
    }
}
