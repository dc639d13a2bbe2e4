import InvLabTensor

/// Architectures of the generative priors: a denoising autoencoder (Fredrikson et al. 2015's
/// DAE prior, here convolutional), a VAE and a DCGAN generator and discriminator (Radford et
/// al. 2016) for square images of side 32 or 64 and 1 or 3 channels. Images are in [0, 1], so
/// decoders end in a sigmoid where DCGAN uses tanh on [-1, 1] images (same family, mapped range).
public enum GenerativeArchitectures {
    /// Number of stride-2 stages that take a side of 4 to `side` (32 -> 3, 64 -> 4).
    static func upsamplingStages(side: Int) -> Int {
        var stages = 0, size = 4
        while size < side { size *= 2; stages += 1 }
        return stages
    }

    /// Whether a square side is supported by the DCGAN/VAE builders.
    public static func isSupportedSide(_ side: Int) -> Bool { side == 32 || side == 64 }

    /// Convolutional denoising autoencoder: `channels.count` stride-2 conv + ReLU stages down,
    /// then transposed convs back up and a sigmoid; input sides must be divisible by
    /// 2^channels.count.
    public static func denoisingAutoencoder(inputShape: [Int], channels: [Int]) -> Sequential {
        var layers: [any Layer] = []
        var current = inputShape[0]
        for width in channels {
            layers += [Conv2d(current, width, kernel: 3, stride: 2, padding: 1), Activation(.relu)] as [any Layer]
            current = width
        }
        for stage in stride(from: channels.count - 1, through: 0, by: -1) {
            let width = stage == 0 ? inputShape[0] : channels[stage - 1]
            layers.append(ConvTranspose2d(current, width, kernel: 4, stride: 2, padding: 1))
            layers.append(Activation(stage == 0 ? .sigmoid : .relu))
            current = width
        }
        return Sequential(layers)
    }

    /// DCGAN generator: latent `z` (N x latent) -> image N x channels x side x side in [0, 1].
    /// `[Unflatten, ConvT(latent, 8f/2^k.., 4, 1, 0), BN, ReLU, (ConvT 4/2/1, BN, ReLU)..., ConvT(.., channels, 4, 2, 1), Sigmoid]`.
    public static func dcganGenerator(latent: Int, side: Int, channels: Int, width: Int) -> Sequential {
        let stages = upsamplingStages(side: side)
        var current = width * (1 << (stages - 1))
        var layers: [any Layer] = [Unflatten([latent, 1, 1]),
                                   ConvTranspose2d(latent, current, kernel: 4, stride: 1, padding: 0, bias: false),
                                   BatchNorm(current), Activation(.relu)]
        for _ in 1..<stages {
            layers += [ConvTranspose2d(current, current / 2, kernel: 4, stride: 2, padding: 1, bias: false),
                       BatchNorm(current / 2), Activation(.relu)] as [any Layer]
            current /= 2
        }
        layers += [ConvTranspose2d(current, channels, kernel: 4, stride: 2, padding: 1, bias: false), Activation(.sigmoid)] as [any Layer]
        return Sequential(layers)
    }

    /// DCGAN discriminator: image -> one realism logit per image (N x 1), or `outputs` logits per
    /// image (an auxiliary head sharing the trunk: KEDMI's and PLG-MI's discriminators add the
    /// target's classes after the realism logit).
    /// `[Conv(ch, f, 4, 2, 1), LeakyReLU(0.2), (Conv 4/2/1, BN, LeakyReLU)..., Conv(.., outputs, 4, 1, 0), Flatten]`.
    public static func dcganDiscriminator(side: Int, channels: Int, width: Int, outputs: Int = 1) -> Sequential {
        let stages = upsamplingStages(side: side)
        var current = width
        var layers: [any Layer] = [Conv2d(channels, width, kernel: 4, stride: 2, padding: 1, bias: false),
                                   Activation(.leakyRelu(0.2))]
        for _ in 1..<stages {
            layers += [Conv2d(current, current * 2, kernel: 4, stride: 2, padding: 1, bias: false),
                       BatchNorm(current * 2), Activation(.leakyRelu(0.2))] as [any Layer]
            current *= 2
        }
        layers += [Conv2d(current, outputs, kernel: 4, stride: 1, padding: 0, bias: false), Flatten()] as [any Layer]
        return Sequential(layers)
    }

    /// VAE encoder: DCGAN-discriminator-like convolutions, then a linear map to `2 * latent`
    /// (mean and log-variance).
    public static func vaeEncoder(side: Int, channels: Int, width: Int, latent: Int) -> Sequential {
        let stages = upsamplingStages(side: side)
        var current = channels
        var layers: [any Layer] = []
        for stage in 0..<stages {
            let next = width * (1 << stage)
            layers += [Conv2d(current, next, kernel: 4, stride: 2, padding: 1), Activation(.leakyRelu(0.2))] as [any Layer]
            current = next
        }
        layers += [Flatten(), Linear(current * 4 * 4, 2 * latent)] as [any Layer]
        return Sequential(layers)
    }

    /// VAE decoder: linear map from the latent to a 4x4 feature map, then transposed convolutions
    /// and a sigmoid.
    public static func vaeDecoder(side: Int, channels: Int, width: Int, latent: Int) -> Sequential {
        let stages = upsamplingStages(side: side)
        var current = width * (1 << (stages - 1))
        var layers: [any Layer] = [Linear(latent, current * 16), Activation(.relu), Unflatten([current, 4, 4])]
        for _ in 1..<stages {
            layers += [ConvTranspose2d(current, current / 2, kernel: 4, stride: 2, padding: 1), Activation(.relu)] as [any Layer]
            current /= 2
        }
        layers += [ConvTranspose2d(current, channels, kernel: 4, stride: 2, padding: 1), Activation(.sigmoid)] as [any Layer]
        return Sequential(layers)
    }
}
