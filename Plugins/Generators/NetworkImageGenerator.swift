import InvLabCore
import InvLabNN
import InvLabTensor

/// A GAN's discriminator, attached to the fitted generators that have one (`dcgan`): ask a
/// fitted generator for `attachment(GANDiscriminator.self)`. The `discriminator_prior`
/// regulariser scores realism with it.
public struct GANDiscriminator {
    /// Square images `N x C x side x side` to one realism logit per image (`N x 1`).
    public let network: Network
    public init(network: Network) { self.network = network }

    /// Realism logits (`N x 1`) of images of any size, resized bilinearly to the network's input
    /// size first; differentiable with respect to the images.
    public func logits(_ images: Var) -> Var {
        network.forward(images.resizedBilinear(height: network.inputShape[1], width: network.inputShape[2]))
    }
}

/// A fitted generator whose images come from a network on square images (a VAE decoder or a
/// DCGAN generator), resized back to the data's image size so that its output fits the
/// attacked model's input.
public struct NetworkImageGenerator: ImageGenerator {
    /// Latent codes (`N x latentSize`) to `N x C x side x side` images in [0, 1].
    public let network: Network
    /// The VAE's encoder (images to mean and log-variance), when there is one.
    public let encoder: Network?
    /// A GAN's discriminator, when there is one (attached as `GANDiscriminator`).
    public let discriminator: Network?
    public let latentSize: Int
    public let latentBounds: ClosedRange<Float>?
    public let prior: LatentPrior
    /// Height and width of the generated images (the data's image size).
    public let outputSize: (height: Int, width: Int)

    public init(network: Network, encoder: Network? = nil, discriminator: Network? = nil, latentSize: Int,
                latentBounds: ClosedRange<Float>?, prior: LatentPrior, outputSize: (height: Int, width: Int)) {
        self.network = network
        self.encoder = encoder
        self.discriminator = discriminator
        self.latentSize = latentSize
        self.latentBounds = latentBounds
        self.prior = prior
        self.outputSize = outputSize
    }

    /// The network in evaluation mode (batch norm uses its running statistics), resized
    /// bilinearly to the data's size; the sigmoid output keeps every pixel in (0, 1).
    public func generate(_ latents: Var) -> Var {
        network.forward(latents).resizedBilinear(height: outputSize.height, width: outputSize.width)
    }

    public func sampleLatents(count: Int, generator: inout SeededGenerator) -> Tensor {
        prior.sample(count: count, size: latentSize, generator: &generator)
    }

    /// The discriminator as `GANDiscriminator`, when there is one.
    public func attachment<T>(_ type: T.Type) -> T? {
        type == GANDiscriminator.self ? discriminator.map(GANDiscriminator.init(network:)) as? T : nil
    }
}

/// Trains two networks together once and caches both (a VAE's encoder and decoder, a GAN's
/// generator and discriminator) under their own keys of `ModelCache`.
struct NetworkPair {
    var first: Network
    var second: Network

    /// Both networks from the cache, or trained by `train` (run at most once) and then cached.
    /// If only one of them is found (an interrupted write), both are retrained: training is
    /// deterministic under its seed, so the cached one equals the retrained one.
    static func cached(keys: (String, String), templates: (Network, Network), cache: ModelCache,
                       train: (inout Network, inout Network) throws -> Void) throws -> (NetworkPair, cached: Bool) {
        var trained: NetworkPair?
        func trainedPair() throws -> NetworkPair {
            if let trained { return trained }
            var pair = NetworkPair(first: templates.0, second: templates.1)
            try train(&pair.first, &pair.second)
            trained = pair
            return pair
        }
        let (first, firstCached) = try cache.network(key: keys.0, template: templates.0) { $0 = try trainedPair().first }
        let (second, secondCached) = try cache.network(key: keys.1, template: templates.1) { $0 = try trainedPair().second }
        return (NetworkPair(first: first, second: second), firstCached && secondCached)
    }
}
