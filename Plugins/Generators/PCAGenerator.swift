import Foundation
import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor

/// Eigenfaces (Turk and Pentland 1991): the mean public face plus a combination of the top-k
/// principal components, a linear generator fitted in closed form.
public struct PCAGenerator: GeneratorPlugin {
    public struct Configuration: SpecConfig, Equatable {
        public var components = 50
        public var latentBound: Float? = 3
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("components", \.components, doc: "Number k of principal components (fewer when the public images span fewer: at most N - 1).",
                      range: 1...4096),
            SpecField("latent_bound", \.latentBound, doc: "Box bound b of the latent search space, z in [-b, b] (z is in standard deviations, so 3 keeps faces within 3 sigma of the mean); null: unbounded.",
                      check: { $0.map { $0 > 0 ? nil : "expected a number > 0 or null, got \(YAMLNumberFormat.naturalText(for: Double($0)))" } ?? nil }),
        ] }
    }
    public static let id = "pca"
    public static let summary = "Eigenfaces (Turk and Pentland 1991): mean public face + top-k principal components; z ~ N(0, I)."
    public static let documentation = """
        Turk and Pentland (1991): the mean face m and the unit principal directions u_k of the public images, found \
        through the eigenvectors of the N x N Gram matrix of the centred images when N < D (ssyevd through \
        Tensor.symmetricEigen). generate(z) = clamp(m + sum_k sigma_k z_k u_k, 0, 1), sigma_k the standard deviation of \
        the public faces along u_k, so that z ~ N(0, I) draws faces with the public variation; the clamp passes \
        gradients inside [0, 1]. latentBounds is [-latent_bound, latent_bound] (default 3 sigma), or none when \
        latent_bound is null. Fitted tensors are cached (key: configuration and a SHA-256 of the public images). \
        PCAImageGenerator.encode projects images to z (e.g. to start an attack from the mean or a public face).
        """
    public static let example = """
        type: pca
        components: 50
        latent_bound: 3
        """
    let configuration: Configuration

    public init(configuration: Configuration, context: BuildContext) throws {
        self.configuration = configuration
    }

    public func fit(publicImages: Tensor, environment: RunEnvironment) throws -> any ImageGenerator {
        try fitPCA(publicImages: publicImages, environment: environment)
    }

    /// The fitted eigenface model.
    public func fitPCA(publicImages: Tensor, environment: RunEnvironment) throws -> PCAImageGenerator {
        let images = try GeneratorFitting.checked(publicImages, for: Self.id)
        let shape = Array(images.shape.dropFirst())
        let key = GeneratorFitting.key(Self.id, configuration, images: GeneratorFitting.fingerprint(images), seed: 0, part: "components")
        var computed = false
        let tensors = try environment.cache.tensors(key: key) {
            computed = true
            let stage = environment.progress.stage("fitting pca", total: nil)
            let components = try PrincipalComponents.fit(images.reshaped([images.shape[0], shape.reduce(1, *)]), limit: configuration.components)
            stage.finish(String(format: "%d components explain %.1f%% of the public variance",
                                components.variances.count, 100 * components.explainedVariance))
            return ["mean": components.mean, "directions": components.directions, "variances": Tensor(components.variances)]
        }
        if !computed { environment.progress.log("pca: components loaded from the model cache") }
        guard let mean = tensors["mean"], let directions = tensors["directions"], let variances = tensors["variances"] else {
            throw GeneratorFitError("pca: the cached components under key \(key) are incomplete; delete that cache file")
        }
        return PCAImageGenerator(mean: mean, directions: directions, standardDeviations: variances.scalars.map { $0.squareRoot() },
                                 imageShape: shape, latentBounds: configuration.latentBound.map { -$0...$0 })
    }
}

/// A fitted eigenface model: `x = clamp(m + sum_k sigma_k z_k u_k, 0, 1)`.
public struct PCAImageGenerator: ImageGenerator {
    /// Mean face, `[D]`.
    public let mean: Tensor
    /// Unit principal directions as rows, `k x D`.
    public let directions: Tensor
    /// Standard deviation of the public faces along each direction.
    public let standardDeviations: [Float]
    /// (C, H, W) of the generated images.
    public let imageShape: [Int]
    public let latentBounds: ClosedRange<Float>?
    /// Rows `sigma_k u_k`: the generator's linear map.
    let basis: Tensor

    public init(mean: Tensor, directions: Tensor, standardDeviations: [Float], imageShape: [Int], latentBounds: ClosedRange<Float>?) {
        self.mean = mean
        self.directions = directions
        self.standardDeviations = standardDeviations
        self.imageShape = imageShape
        self.latentBounds = latentBounds
        basis = directions * Tensor(shape: [standardDeviations.count, 1], scalars: standardDeviations)
    }

    public var latentSize: Int { standardDeviations.count }

    public func generate(_ latents: Var) -> Var {
        let flat = Var.matmul(latents, Var(constant: basis)) + mean.reshaped([1, mean.count])
        return flat.reshaped([latents.shape[0]] + imageShape).clamped(to: 0...1)
    }

    /// The latent code of images (`N x C x H x W`): their projection on the components in units
    /// of standard deviations, `z_k = u_k . (x - m) / sigma_k`. generate(encode(x)) is x's
    /// projection on the eigenface space (x itself when x lies in it), clamped to [0, 1].
    public func encode(_ images: Tensor) -> Tensor {
        let centred = images.reshaped([images.shape[0], mean.count]) - mean.reshaped([1, mean.count])
        let projections = Tensor.matmul(centred, directions, transposeB: true)
        return projections / Tensor(shape: [1, latentSize], scalars: standardDeviations.map { max($0, .leastNormalMagnitude) })
    }

    public func sampleLatents(count: Int, generator: inout SeededGenerator) -> Tensor {
        Tensor.normal([count, latentSize], generator: &generator)
    }
}
