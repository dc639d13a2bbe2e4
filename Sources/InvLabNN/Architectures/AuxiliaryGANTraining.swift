import Foundation
import InvLabTensor

/// How an auxiliary-classifier GAN uses the target's labels of the public images.
public enum AuxiliaryGANMode: Sendable, Equatable {
    /// KEDMI (Chen et al., ICCV 2021): the discriminator's class head learns the target's soft
    /// labels of the real public images (knowledge extraction); the generator is unconditional.
    case knowledgeExtraction
    /// PLG-MI (Yuan et al., AAAI 2023): the generator takes a one-hot class after its latent code
    /// and is trained to make the discriminator's class head name that class on its fakes; the
    /// class head learns the pseudo-labels of the real images.
    case conditional
}

/// One training batch of an auxiliary GAN: the discriminator's and the generator's losses.
public struct AuxiliaryGANLosses: Sendable {
    public var discriminator: Float
    public var generator: Float
    /// The class head's soft cross-entropy against the labels of the real images.
    public var classHead: Float
}

extension GenerativeTrainer {
    /// Soft cross-entropy of the class head (columns 1... of `logits`) against `labels`
    /// (rows of probabilities), averaged over the rows.
    public static func classHeadLoss(logits: Var, labels: Tensor) -> Var {
        let classes = labels.shape[1]
        let head = logits.slice(alongAxis: 1, 1..<(classes + 1))
        return -(head.logSoftmax() * labels).sum() * (1 / Float(labels.shape[0]))
    }

    /// The generator's input: latent codes, with one-hot classes appended in conditional mode.
    public static func generatorInput(_ z: Tensor, classes: [Int]?, count: Int) -> Tensor {
        guard let classes else { return z }
        return Tensor.concatenate([z, Tensor.oneHot(classes, classes: count)], alongAxis: 1)
    }

    /// Trains a DCGAN whose discriminator has `1 + K` outputs (realism logit, then the K classes of
    /// `labels`, an `N x K` matrix of the target's soft labels or one-hot pseudo-labels of `images`).
    ///
    /// Discriminator loss: `BCE(real, 1) + BCE(fake, 0) + classWeight * CE(head(real), labels)`.
    /// Generator loss: `BCE(fake, 1)`, plus in conditional mode `classWeight * CE(head(fake), c)` for
    /// the classes `c` drawn for the fakes (uniform over the classes that label some image).
    /// Latent codes are drawn from U(-1, 1), Adam with beta1 = 0.5, as in `trainGAN`.
    public static func trainAuxiliaryGAN(generator net: inout Network, discriminator: inout Network, latent: Int, images: Tensor,
                                         labels: Tensor, mode: AuxiliaryGANMode, classWeight: Float,
                                         settings: GenerativeTrainingSettings,
                                         progress: (GenerativeEpochReport) -> Void = { _ in }) throws {
        precondition(labels.rank == 2 && labels.shape[0] == images.shape[0], "auxiliary GAN: one label row per image")
        let classes = labels.shape[1]
        let labelled = (0..<classes).filter { k in (0..<labels.shape[0]).contains { labels.scalars[$0 * classes + k] > 0 } }
        var rng = SeededGenerator(seed: settings.seed)
        var generatorOptimizer = Adam(learningRate: settings.learningRate, beta1: 0.5)
        var discriminatorOptimizer = Adam(learningRate: settings.learningRate, beta1: 0.5)
        var step = 0
        for epoch in 0..<settings.epochs {
            var totals = (d: 0.0, g: 0.0, head: 0.0)
            let plan = batches(count: images.shape[0], size: settings.batchSize, generator: &rng)
            for batch in plan {
                if settings.shouldStop() { throw TrainingInterrupted() }
                let n = batch.count
                let z = Tensor.uniform([n, latent], low: -1, high: 1, generator: &rng)
                let fakeClasses = mode == .conditional ? (0..<n).map { _ in labelled[Int(rng.next() % UInt64(labelled.count))] } : nil
                let losses = try auxiliaryStep(generator: &net, discriminator: &discriminator,
                                               input: generatorInput(z, classes: fakeClasses, count: classes),
                                               real: images.gathering(rows: batch), labels: labels.gathering(rows: batch),
                                               fakeClasses: fakeClasses, classWeight: classWeight,
                                               generatorOptimizer: &generatorOptimizer, discriminatorOptimizer: &discriminatorOptimizer, rng: rng, step: step)
                totals.d += Double(losses.discriminator)
                totals.g += Double(losses.generator)
                totals.head += Double(losses.classHead)
                step += 1
                _ = rng.next()
            }
            let count = Double(max(plan.count, 1))
            progress(GenerativeEpochReport(epoch: epoch + 1, epochs: settings.epochs,
                                           losses: ["discriminator": Float(totals.d / count), "generator": Float(totals.g / count),
                                                    "class head": Float(totals.head / count)]))
        }
    }

    /// One discriminator update, then one generator update, on a batch.
    public static func auxiliaryStep(generator net: inout Network, discriminator: inout Network, input: Tensor, real: Tensor,
                                     labels: Tensor, fakeClasses: [Int]?, classWeight: Float,
                                     generatorOptimizer: inout Adam, discriminatorOptimizer: inout Adam,
                                     rng: SeededGenerator, step: Int) throws -> AuxiliaryGANLosses {
        let n = real.shape[0]
        let (ones, zeros) = (Tensor(repeating: 1, shape: [n, 1]), Tensor(zeros: [n, 1]))
        var (gen, disc) = (net, discriminator)
        let (fake, generatorContext) = gen.forward(Var(constant: input), parameters: gen.state.parameterList.map { Var(constant: $0) },
                                                   mode: .training, generator: rng)
        for (name, buffer) in generatorContext.updatedBuffers { net.state.buffers[name] = buffer }
        var updates: [String: Tensor] = [:]
        var head = Float(0)
        let (dLoss, dGrads) = valueWithGradient(at: disc.state.parameterList) { p in
            let (realLogits, c1) = disc.forward(Var(constant: real), parameters: p, mode: .training, generator: rng)
            let (fakeLogits, c2) = disc.forward(fake.detached, parameters: p, mode: .training, generator: rng)
            updates = c1.updatedBuffers.merging(c2.updatedBuffers) { _, second in second }
            let classLoss = classHeadLoss(logits: realLogits, labels: labels)
            head = classLoss.value.scalar
            return binaryCrossEntropy(logits: realLogits.slice(alongAxis: 1, 0..<1), targets: ones)
                + binaryCrossEntropy(logits: fakeLogits.slice(alongAxis: 1, 0..<1), targets: zeros) + classLoss * classWeight
        }
        try applyUpdate(to: &discriminator, loss: dLoss, gradients: dGrads, buffers: updates, optimizer: &discriminatorOptimizer,
                        stage: "training auxiliary GAN discriminator", step: step)
        (gen, disc) = (net, discriminator)
        let classCount = labels.shape[1]
        let (gLoss, gGrads) = valueWithGradient(at: gen.state.parameterList) { p in
            let (image, _) = gen.forward(Var(constant: input), parameters: p, mode: .training, generator: rng)
            let (logits, _) = disc.forward(image, parameters: disc.state.parameterList.map { Var(constant: $0) },
                                           mode: .training, generator: rng)
            let adversarial = binaryCrossEntropy(logits: logits.slice(alongAxis: 1, 0..<1), targets: ones)
            guard let fakeClasses else { return adversarial }
            return adversarial + classHeadLoss(logits: logits, labels: Tensor.oneHot(fakeClasses, classes: classCount)) * classWeight
        }
        try applyUpdate(to: &net, loss: gLoss, gradients: gGrads, optimizer: &generatorOptimizer,
                        stage: "training auxiliary GAN generator", step: step)
        return AuxiliaryGANLosses(discriminator: dLoss.scalar, generator: gLoss.scalar, classHead: head)
    }
}
