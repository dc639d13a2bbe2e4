import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor

/// The keys of `l2` and `l1`: a weight, and the grey level the deviation is measured from.
public struct CenteredNormConfiguration<Norm: CenteredNormRegularizer>: SpecConfig, Equatable {
    public var weight: Float = Norm.defaultWeight
    public var center: Float = 0
    public init() {}
    public static var fields: [SpecField<Self>] { [
        SpecField("weight", \.weight, doc: RegularizerDocs.weight(
            "The default makes a 64x64 grey image that is 0.5 from the center everywhere cost about 1."), range: 0...),
        SpecField("center", \.center, doc: "The grey level the image is pulled towards (0 = black; 0.5 = mid grey).", range: 0...1),
    ] }
}

/// A penalty `R(x) = sum_p norm(x_p - center)` per image; `l2` and `l1` differ only in the norm
/// and the default weight.
public protocol CenteredNormRegularizer: RegularizerPlugin where Configuration == CenteredNormConfiguration<Self> {
    static var defaultWeight: Float { get }
    /// The per-pixel norm of the deviation from the center.
    static func norm(_ deviation: Var) -> Var
    var center: Float { get }
    init(weight: Float, center: Float)
}

extension CenteredNormRegularizer {
    public init(configuration: Configuration, context: BuildContext) throws {
        self.init(weight: configuration.weight, center: configuration.center)
    }

    public func penalty(images: Var, latents: Var?) -> Var {
        Self.norm(center == 0 ? images : images - center).sumPerSample()
    }
}

/// Squared Euclidean norm of the image, or of its distance to a constant grey level:
/// `R(x) = sum_p (x_p - center)^2` per image.
public struct L2Regularizer: CenteredNormRegularizer {
    public static let defaultWeight: Float = 0.001
    public static let id = "l2"
    public static let summary = "Squared L2 norm of the pixels, sum (x - center)^2 (weight decay on the image)."
    public static let documentation = """
        R(x) = sum over pixels of (x - center)^2, an image-space weight decay that keeps the reconstruction from \
        saturating (used as the "alpha-norm" prior of Mahendran and Vedaldi, CVPR 2015, with alpha = 2). Gradient 2 (x - center).
        """
    public static let example = """
        type: l2
        weight: 0.001
        center: 0.5
        """
    public let weight: Float
    public let center: Float

    public init(weight: Float, center: Float) { (self.weight, self.center) = (weight, center) }
    public static func norm(_ deviation: Var) -> Var { deviation.squared() }
}

/// L1 norm of the image, or of its distance to a constant: `R(x) = sum_p |x_p - center|`.
public struct L1Regularizer: CenteredNormRegularizer {
    public static let defaultWeight: Float = 0.0005
    public static let id = "l1"
    public static let summary = "L1 norm of the pixels, sum |x - center| (favours sparse deviations from center)."
    public static let documentation = """
        R(x) = sum over pixels of |x - center|. Its subgradient sign(x - center) (0 at the center) has the same size for \
        small and large deviations, so it pushes pixels all the way to the center (sparsity), unlike l2.
        """
    public static let example = """
        type: l1
        weight: 0.0005
        """
    public let weight: Float
    public let center: Float

    public init(weight: Float, center: Float) { (self.weight, self.center) = (weight, center) }
    public static func norm(_ deviation: Var) -> Var { deviation.abs() }
}

/// Total variation (Rudin, Osher and Fatemi 1992), the smoothness prior of Mahendran and
/// Vedaldi (CVPR 2015)'s inversion of image representations.
public struct TotalVariationRegularizer: RegularizerPlugin {
    public struct Configuration: SpecConfig, Equatable {
        public var weight: Float = 0.001
        public var isotropic = false
        public var epsilon: Float = 1e-8
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("weight", \.weight, doc: RegularizerDocs.weight(
                "The default makes a smooth 64x64 face cost about 0.25 and uniform noise about 2.7."), range: 0...),
            SpecField("isotropic", \.isotropic, doc: "Isotropic TV, sum sqrt(dv^2 + dh^2 + eps); false: anisotropic, sum sqrt(dv^2 + eps) + sqrt(dh^2 + eps)."),
            SpecField("epsilon", \.epsilon, doc: "Smoothing inside the square roots, so that the gradient exists where neighbours are equal.",
                      bounds: .greaterThan(0)),
        ] }
    }
    public static let id = "total_variation"
    public static let summary = "Total variation of the image (Rudin-Osher-Fatemi 1992), isotropic or anisotropic."
    public static let documentation = """
        Rudin, Osher and Fatemi (1992)'s total variation over neighbouring pixels, as Mahendran and Vedaldi (CVPR 2015) use \
        it to keep inverted images natural. Anisotropic (default): sum of sqrt(dv^2 + eps) over vertical and \
        sqrt(dh^2 + eps) over horizontal differences. Isotropic: sum of sqrt(dv^2 + dh^2 + eps) over the pixels that have \
        both a lower and a right neighbour. eps smooths the kink at 0 (so equal neighbours still give each a constant \
        sqrt(eps)). Mahendran and Vedaldi raise the per-pixel term to a power beta; here beta = 1.
        """
    public static let example = """
        type: total_variation
        weight: 0.001
        isotropic: true
        """
    public let weight: Float
    let isotropic: Bool
    let epsilon: Float

    public init(configuration: Configuration, context: BuildContext) throws {
        weight = configuration.weight
        isotropic = configuration.isotropic
        epsilon = configuration.epsilon
    }

    public func penalty(images: Var, latents: Var?) -> Var {
        totalVariation(images, isotropic: isotropic, epsilon: epsilon)
    }
}

/// The squared norm of the latent code, `||z||^2`: the negative log-density (up to a factor 2
/// and a constant) of the N(0, I) prior that GMI/KEDMI-style generative attacks put on z.
public struct LatentNormRegularizer: RegularizerPlugin {
    public struct Configuration: SpecConfig, Equatable {
        public var weight: Float = 0.001
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("weight", \.weight, doc: RegularizerDocs.weight(
                "With the default a typical N(0, I) code of 100 dimensions costs about 0.1."), range: 0...),
        ] }
    }
    public static let id = "latent_norm"
    public static let summary = "Squared norm ||z||^2 of the latent code of a generator search space (Gaussian prior on z)."
    public static let documentation = """
        R(z) = ||z||^2, which is 2 (-log N(z; 0, I)) up to a constant: the Gaussian prior term on the latent code used by \
        generative model-inversion attacks (GMI, Zhang et al. CVPR 2020; KEDMI, Chen et al. ICCV 2021). It keeps the search \
        where the generator was trained. Only meaningful when the attack searches a generator's latent space: with a \
        pixel search space (latents nil) the penalty is 0 for every image, and attacks that accept this regulariser with \
        a pixel search space should reject or warn about it (the regulariser cannot see the search space).
        """
    public static let example = """
        type: latent_norm
        weight: 0.001
        """
    public let weight: Float

    public init(configuration: Configuration, context: BuildContext) throws {
        weight = configuration.weight
    }

    public func penalty(images: Var, latents: Var?) -> Var {
        guard let latents else { return Var(constant: Tensor(zeros: [images.shape[0]])) }
        return latents.squared().sumPerSample()
    }
}
