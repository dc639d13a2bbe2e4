import Foundation
import InvLabTensor

/// Settings shared by the generative-model trainers.
public struct GenerativeTrainingSettings: Sendable {
    public var epochs = 20
    public var batchSize = 32
    public var learningRate: Float = 2e-4
    public var seed: UInt64 = 0
    /// Denoising autoencoder: standard deviation of the Gaussian corruption.
    public var noise: Float = 0.1
    /// VAE: weight of the KL term (beta-VAE; 1 is the standard VAE).
    public var beta: Float = 1
    /// Polled before every batch; when it returns true the trainer throws `TrainingInterrupted`.
    public var shouldStop: @Sendable () -> Bool = { false }
    public init() {}
}

/// Per-epoch progress of a generative trainer (mean losses over the epoch).
public struct GenerativeEpochReport: Sendable {
    public var epoch: Int
    public var epochs: Int
    public var losses: [String: Float]
}

/// Trainers for the priors: DAE (reconstruct clean from noisy, MSE), VAE (ELBO with
/// Bernoulli-free Gaussian likelihood, i.e. summed squared error, plus beta * KL) and DCGAN
/// (non-saturating GAN loss, Adam with beta1 = 0.5 as Radford et al. 2016 recommend).
public enum GenerativeTrainer {
    static func batches(count: Int, size: Int, generator: inout SeededGenerator) -> [[Int]] {
        var order = Array(0..<count)
        order.seededShuffle(using: &generator)
        return stride(from: 0, to: count, by: size).map { Array(order[$0..<min($0 + size, count)]) }.filter { $0.count > 1 }
    }

    /// Trains a denoising autoencoder network on images in [0, 1].
    public static func trainDenoisingAutoencoder(_ network: inout Network, images: Tensor, settings: GenerativeTrainingSettings,
                                                 progress: (GenerativeEpochReport) -> Void = { _ in }) throws {
        var generator = SeededGenerator(seed: settings.seed)
        var optimizer = Adam(learningRate: settings.learningRate)
        var step = 0
        for epoch in 0..<settings.epochs {
            var total: Double = 0
            let plan = batches(count: images.shape[0], size: settings.batchSize, generator: &generator)
            for batch in plan {
                if settings.shouldStop() { throw TrainingInterrupted() }
                let clean = images.gathering(rows: batch)
                let noisy = (clean + Tensor.normal(clean.shape, standardDeviation: settings.noise, generator: &generator)).clamped(to: 0...1)
                let net = network
                let (loss, grads) = valueWithGradient(at: network.state.parameterList) { p in
                    meanSquaredError(net.forward(Var(constant: noisy), parameters: p, mode: .training, generator: generator).0, clean)
                }
                guard loss.scalar.isFinite else { throw NumericalFault(stage: "training denoising autoencoder", step: step, quantity: "loss") }
                var parameters = network.state.parameterList
                optimizer.update(&parameters, gradients: grads)
                network.state.setParameters(parameters)
                total += Double(loss.scalar)
                step += 1
            }
            progress(GenerativeEpochReport(epoch: epoch + 1, epochs: settings.epochs, losses: ["reconstruction": Float(total / Double(max(plan.count, 1)))]))
        }
    }

    /// Trains a VAE (encoder to 2 * latent, decoder from latent) on images in [0, 1].
    public static func trainVAE(encoder: inout Network, decoder: inout Network, latent: Int, images: Tensor,
                                settings: GenerativeTrainingSettings, progress: (GenerativeEpochReport) -> Void = { _ in }) throws {
        var generator = SeededGenerator(seed: settings.seed)
        var optimizer = Adam(learningRate: settings.learningRate)
        let encoderCount = encoder.state.parameterNames.count
        var step = 0
        for epoch in 0..<settings.epochs {
            var totals = (reconstruction: 0.0, kl: 0.0)
            let plan = batches(count: images.shape[0], size: settings.batchSize, generator: &generator)
            for batch in plan {
                if settings.shouldStop() { throw TrainingInterrupted() }
                let x = images.gathering(rows: batch)
                let noise = Tensor.normal([batch.count, latent], generator: &generator)
                let (enc, dec) = (encoder, decoder)
                var parts = (Float(0), Float(0))
                let (loss, grads) = valueWithGradient(at: encoder.state.parameterList + decoder.state.parameterList) { p in
                    let stats = enc.forward(Var(constant: x), parameters: Array(p[..<encoderCount]), mode: .training, generator: generator).0
                    let mu = stats.slice(alongAxis: 1, 0..<latent), logVariance = stats.slice(alongAxis: 1, latent..<(2 * latent))
                    let z = mu + (logVariance * 0.5).exp() * noise
                    let reconstruction = dec.forward(z, parameters: Array(p[encoderCount...]), mode: .training, generator: generator).0
                    let rec = meanSquaredError(reconstruction, x)
                    let kl = gaussianKLDivergence(mean: mu, logVariance: logVariance)
                    parts = (rec.value.scalar, kl.value.scalar)
                    return rec + kl * settings.beta
                }
                guard loss.scalar.isFinite else { throw NumericalFault(stage: "training VAE", step: step, quantity: "loss") }
                var parameters = encoder.state.parameterList + decoder.state.parameterList
                optimizer.update(&parameters, gradients: grads)
                encoder.state.setParameters(Array(parameters[..<encoderCount]))
                decoder.state.setParameters(Array(parameters[encoderCount...]))
                totals.reconstruction += Double(parts.0)
                totals.kl += Double(parts.1)
                step += 1
            }
            let n = Double(max(plan.count, 1))
            progress(GenerativeEpochReport(epoch: epoch + 1, epochs: settings.epochs,
                                           losses: ["reconstruction": Float(totals.reconstruction / n), "kl": Float(totals.kl / n)]))
        }
    }

    /// One optimizer step of a GAN's network: checks the loss is finite, applies the gradients and
    /// keeps the batch-norm statistics the step's forward passes updated.
    static func applyUpdate(to network: inout Network, loss: Tensor, gradients: [Tensor], buffers: [String: Tensor] = [:],
                            optimizer: inout Adam, stage: String, step: Int) throws {
        guard loss.scalar.isFinite else { throw NumericalFault(stage: stage, step: step, quantity: "loss") }
        var parameters = network.state.parameterList
        optimizer.update(&parameters, gradients: gradients)
        network.state.setParameters(parameters)
        for (name, buffer) in buffers { network.state.buffers[name] = buffer }
    }

    /// Trains a DCGAN generator and discriminator on images in [0, 1].
    public static func trainGAN(generator net: inout Network, discriminator: inout Network, latent: Int, images: Tensor,
                                settings: GenerativeTrainingSettings, progress: (GenerativeEpochReport) -> Void = { _ in }) throws {
        var rng = SeededGenerator(seed: settings.seed)
        var generatorOptimizer = Adam(learningRate: settings.learningRate, beta1: 0.5)
        var discriminatorOptimizer = Adam(learningRate: settings.learningRate, beta1: 0.5)
        var step = 0
        for epoch in 0..<settings.epochs {
            var totals = (d: 0.0, g: 0.0)
            let plan = batches(count: images.shape[0], size: settings.batchSize, generator: &rng)
            for batch in plan {
                if settings.shouldStop() { throw TrainingInterrupted() }
                let real = images.gathering(rows: batch)
                let n = batch.count
                // Discriminator step: real -> 1, fake -> 0 (batch statistics of each half separately, as DCGAN does).
                let z = Tensor.uniform([n, latent], low: -1, high: 1, generator: &rng)
                var (gen, disc) = (net, discriminator)
                let (fake, generatorContext) = gen.forward(Var(constant: z), parameters: gen.state.parameterList.map { Var(constant: $0) },
                                                           mode: .training, generator: rng)
                for (name, buffer) in generatorContext.updatedBuffers { net.state.buffers[name] = buffer }
                var updates: [String: Tensor] = [:]
                let (dLoss, dGrads) = valueWithGradient(at: disc.state.parameterList) { p in
                    let (realLogits, c1) = disc.forward(Var(constant: real), parameters: p, mode: .training, generator: rng)
                    let (fakeLogits, c2) = disc.forward(fake.detached, parameters: p, mode: .training, generator: rng)
                    updates = c1.updatedBuffers.merging(c2.updatedBuffers) { _, second in second }
                    return binaryCrossEntropy(logits: realLogits, targets: Tensor(repeating: 1, shape: [n, 1]))
                        + binaryCrossEntropy(logits: fakeLogits, targets: Tensor(zeros: [n, 1]))
                }
                try applyUpdate(to: &discriminator, loss: dLoss, gradients: dGrads, buffers: updates, optimizer: &discriminatorOptimizer,
                                stage: "training GAN discriminator", step: step)
                // Generator step: make the discriminator call fakes real (non-saturating loss).
                (gen, disc) = (net, discriminator)
                let (gLoss, gGrads) = valueWithGradient(at: gen.state.parameterList) { p in
                    let (image, _) = gen.forward(Var(constant: z), parameters: p, mode: .training, generator: rng)
                    let (logits, _) = disc.forward(image, parameters: disc.state.parameterList.map { Var(constant: $0) },
                                                   mode: .training, generator: rng)
                    return binaryCrossEntropy(logits: logits, targets: Tensor(repeating: 1, shape: [n, 1]))
                }
                try applyUpdate(to: &net, loss: gLoss, gradients: gGrads, optimizer: &generatorOptimizer,
                                stage: "training GAN generator", step: step)
                totals.d += Double(dLoss.scalar)
                totals.g += Double(gLoss.scalar)
                step += 1
                _ = rng.next()
            }
            let count = Double(max(plan.count, 1))
            progress(GenerativeEpochReport(epoch: epoch + 1, epochs: settings.epochs,
                                           losses: ["discriminator": Float(totals.d / count), "generator": Float(totals.g / count)]))
        }
    }
}
