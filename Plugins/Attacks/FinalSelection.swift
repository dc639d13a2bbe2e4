import InvLabCore
import InvLabSpec
import InvLabTensor

/// PPA-style final selection (Struppek et al., "Plug & Play Attacks", ICML 2022, section 3.4):
/// every candidate of an identity is scored by the target under random transformations, and the
/// candidate with the best mean score is kept, so that a candidate the target recognises only
/// untransformed (an adversarial-looking one) loses to one it recognises robustly.
public struct FinalSelectionConfig: SpecConfig, Equatable, Sendable {
    public var transformations = 0
    public var minCrop = 0.8
    public var flip = true
    public var noise = 0.02

    public init() {}

    public static var fields: [SpecField<Self>] { [
        SpecField("transformations", \.transformations, doc: "Randomly transformed copies of every candidate the target scores (one query each); 0 selects by the untransformed score, as without this key (PPA uses 100).", range: 0...10_000),
        SpecField("min_crop", \.minCrop, doc: "Random resized crops keep a window of this share of each side or more (uniform up to 1), resized back; 1 disables cropping.", range: 0.1...1),
        SpecField("flip", \.flip, doc: "Flip each copy horizontally with probability 1/2."),
        SpecField("noise", \.noise, doc: "Standard deviation of Gaussian pixel noise added to each copy (then clamped to [0, 1]); 0 disables it.", range: 0...1),
    ] }
}

/// Scores candidates under `FinalSelectionConfig`'s transformations. Each identity's draws come
/// from a stream of its own (seed and attacked class), so an identity's selection does not depend
/// on which identities share its run.
struct FinalSelection {
    let configuration: FinalSelectionConfig
    let seed: UInt64

    var isActive: Bool { configuration.transformations > 0 }

    /// The mean published probability of `targets[n]` over the transformed copies of `images` row
    /// `n`; `query` is called once per transformation (every row in one batch).
    func scores(_ images: Tensor, targets: [Int], query: (Tensor) -> Tensor) -> [Float] {
        let rows = images.shape[0]
        var streams = targets.map { SeededGenerator(seed: seed).fork("final-selection-\($0)") }
        var totals = [Float](repeating: 0, count: rows)
        let rowSize = images.count / max(rows, 1)
        for _ in 0..<configuration.transformations {
            var scalars: [Float] = []
            scalars.reserveCapacity(images.count)
            for row in 0..<rows {
                scalars += transformed(Array(images.scalars[(row * rowSize)..<((row + 1) * rowSize)]),
                                       shape: Array(images.shape.dropFirst()), random: &streams[row])
            }
            let probabilities = query(Tensor(shape: images.shape, scalars: scalars))
            let classes = probabilities.shape[1]
            for row in 0..<rows { totals[row] += probabilities.scalars[row * classes + targets[row]] }
        }
        return totals.map { $0 / Float(configuration.transformations) }
    }

    /// One random transformation of a `C x H x W` image: resized crop, flip, noise.
    func transformed(_ image: [Float], shape: [Int], random: inout SeededGenerator) -> [Float] {
        let (channels, height, width) = (shape[0], shape[1], shape[2])
        let scale = Float(configuration.minCrop) + (1 - Float(configuration.minCrop)) * random.nextUniform()
        let (cropH, cropW) = (Float(height) * scale, Float(width) * scale)
        let top = (Float(height) - cropH) * random.nextUniform()
        let left = (Float(width) - cropW) * random.nextUniform()
        let flipped = configuration.flip && random.nextUniform() < 0.5
        var out = [Float](repeating: 0, count: image.count)
        for c in 0..<channels {
            let plane = c * height * width
            for i in 0..<height {
                let y = min(max(top + (Float(i) + 0.5) * cropH / Float(height) - 0.5, 0), Float(height - 1))
                let (y0, fy) = (Int(y), y - Float(Int(y)))
                let y1 = min(y0 + 1, height - 1)
                for j in 0..<width {
                    let jj = flipped ? width - 1 - j : j
                    let x = min(max(left + (Float(jj) + 0.5) * cropW / Float(width) - 0.5, 0), Float(width - 1))
                    let (x0, fx) = (Int(x), x - Float(Int(x)))
                    let x1 = min(x0 + 1, width - 1)
                    let top = image[plane + y0 * width + x0] * (1 - fx) + image[plane + y0 * width + x1] * fx
                    let bottom = image[plane + y1 * width + x0] * (1 - fx) + image[plane + y1 * width + x1] * fx
                    out[plane + i * width + j] = top * (1 - fy) + bottom * fy
                }
            }
        }
        guard configuration.noise > 0 else { return out }
        return out.map { min(max($0 + Float(configuration.noise) * random.nextNormal(), 0), 1) }
    }
}
