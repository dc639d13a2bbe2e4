import InvLabCore
import InvLabSpec
import InvLabTensor

/// Where the search starts (`init:` of an attack). Never a private image: the attacker has none.
public struct AttackStart: SpecConfig, Equatable, Sendable {
    public enum Kind: String, SpecEnum, Sendable {
        /// Grey (`constant 0.5`) in pixel space, `random_latent` in latent space.
        case auto
        /// All zeros: Fredrikson et al. 2015's `x_0 = 0` (in latent space: the prior's mean).
        case zeros
        /// Every pixel `value`.
        case constant
        /// Independent uniform pixels in `[low, high)`.
        case uniform
        /// The mean image of the public set (the attacker's auxiliary data).
        case meanPublicFace = "mean_public_face"
        /// Latents drawn from the generator's prior (latent space only).
        case randomLatent = "random_latent"
    }

    public var type = Kind.auto
    public var value = 0.5
    public var low = 0.0
    public var high = 1.0

    public init() {}

    public static var fields: [SpecField<Self>] { [
        SpecField("type", \.type, doc: "How each attempt starts: auto (grey pixels, or random latents in latent space), zeros, constant, uniform, mean_public_face (pixel space; needs a public set), random_latent (latent space). Restarts only differ with a random start."),
        SpecField("value", \.value, doc: "The pixel value of a `constant` start.", range: -1_000...1_000),
        SpecField("low", \.low, doc: "Lower end of a `uniform` start.", range: -1_000...1_000),
        SpecField("high", \.high, doc: "Upper end of a `uniform` start.", range: -1_000...1_000),
    ] }

    public func validate(at path: SpecPath, node: Node, context: inout DecodingContext) {
        if type == .uniform && !(low < high) {
            context.error("a uniform start needs low < high, got low \(low) and high \(high)",
                          at: node["high"] ?? node, path: path.appending("high"))
        }
    }

    /// The kinds that make sense for a search space, for messages.
    static func allowed(in space: SearchSpace) -> [Kind] {
        switch space {
        case .pixels: return [.auto, .zeros, .constant, .uniform, .meanPublicFace]
        case .latent: return [.auto, .zeros, .randomLatent]
        }
    }

    /// Starting pixels for `rows` attempts of `shape` (C, H, W).
    func pixels(rows: Int, shape: [Int], meanPublicFace: Tensor?, generator: inout SeededGenerator) throws -> Tensor {
        let full = [rows] + shape
        switch type {
        case .auto: return Tensor(repeating: 0.5, shape: full)
        case .zeros: return Tensor(zeros: full)
        case .constant: return Tensor(repeating: Float(value), shape: full)
        case .uniform: return Tensor.uniform(full, low: Float(low), high: Float(high), generator: &generator)
        case .meanPublicFace:
            guard let mean = meanPublicFace else {
                throw AttackError("init type 'mean_public_face' needs public images, but this experiment has no public set; "
                                  + "add a public split or source to `data`, or start from `constant` or `uniform`")
            }
            guard Array(mean.shape.dropFirst()) == shape else {
                throw AttackError("the mean public face has shape \(Array(mean.shape.dropFirst())), but the attacked model takes \(shape)")
            }
            return Tensor.concatenate(Array(repeating: mean, count: rows), alongAxis: 0)
        case .randomLatent:
            throw AttackError("init type 'random_latent' needs `search: {space: latent, ...}`")
        }
    }

    /// Starting latents for `rows` attempts.
    func latents(rows: Int, of image: any ImageGenerator, generator: inout SeededGenerator) throws -> Tensor {
        switch type {
        case .auto, .randomLatent:
            return image.sampleLatents(count: rows, generator: &generator)
        case .zeros:
            return Tensor(zeros: [rows, image.latentSize])
        case .constant, .uniform, .meanPublicFace:
            throw AttackError("init type '\(type.rawValue)' is for pixel search; in latent space use random_latent or zeros")
        }
    }
}

/// A failure of an attack at run time that the user can fix (missing data, mismatched shapes).
public struct AttackError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
