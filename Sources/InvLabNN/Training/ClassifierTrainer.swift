import Foundation
import InvLabTensor

/// Settings of supervised classifier training.
public struct TrainingSettings: Sendable {
    public var epochs = 30
    public var batchSize = 32
    public var optimizer = OptimizerSettings.adam(learningRate: 1e-3)
    /// Applied per epoch to the optimizer's base learning rate.
    public var schedule = LearningRateSchedule.constant
    /// Share of the training images held out for validation (0 = none); split per class.
    public var validationFraction: Float = 0
    /// Stop after this many epochs without a better validation loss (0 = never); the best
    /// weights are restored at the end.
    public var earlyStoppingPatience = 0
    /// Label smoothing of the cross-entropy (may be negative).
    public var labelSmoothing: Float = 0
    /// Weights of auxiliary losses that layers record (e.g. `["kl": 0.01]` for MID).
    public var auxiliaryWeights: [String: Float] = [:]
    public var seed: UInt64 = 0
    /// PGD adversarial training: each batch (after augmentation) is replaced by its adversarial images.
    public var adversarial: AdversarialTraining? = nil
    /// When set, builds the optimizer instead of `optimizer` (e.g. from an optimizer plugin);
    /// the schedule scales its initial learning rate.
    public var makeOptimizer: (@Sendable () -> any Optimizer)?

    public init() {}
}

/// What happened in one epoch, reported through the progress callback.
public struct EpochReport: Sendable, Equatable {
    public var epoch: Int
    public var epochs: Int
    public var trainLoss: Float
    public var trainAccuracy: Float
    public var validationLoss: Float?
    public var validationAccuracy: Float?
    public var learningRate: Float
}

/// Training stopped because the caller asked it to (e.g. the user pressed Ctrl-C).
public struct TrainingInterrupted: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "training interrupted" }
}

/// Mini-batch training of a classifier network by cross-entropy (plus weighted auxiliary losses).
public struct ClassifierTrainer {
    public var settings: TrainingSettings
    /// Optional data augmentation applied to each training batch (images N x C x H x W).
    public var augment: ((Tensor, [Int], inout SeededGenerator) -> Tensor)?

    public init(settings: TrainingSettings, augment: ((Tensor, [Int], inout SeededGenerator) -> Tensor)? = nil) {
        self.settings = settings
        self.augment = augment
    }

    /// Trains `network` in place on `images` (N x ...) with integer `labels`; returns one report
    /// per epoch run. Throws `NumericalFault` if the loss stops being finite.
    @discardableResult
    public func train(_ network: inout Network, images: Tensor, labels: [Int],
                      shouldStop: () -> Bool = { false },
                      progress: (EpochReport) -> Void = { _ in }) throws -> [EpochReport] {
        precondition(images.shape[0] == labels.count, "training: \(labels.count) labels for \(images.shape[0]) images")
        var generator = SeededGenerator(seed: settings.seed)
        let (trainIndices, validationIndices) = validationSplit(labels: labels, generator: &generator)
        var optimizer = settings.makeOptimizer?() ?? settings.optimizer.make()
        let baseRate = optimizer.learningRate
        var reports: [EpochReport] = []
        var best: (loss: Float, state: ModelState)?
        var epochsSinceBest = 0
        var step = 0
        for epoch in 0..<settings.epochs {
            optimizer.learningRate = settings.schedule.rate(base: baseRate, step: epoch)
            var order = trainIndices
            order.seededShuffle(using: &generator)
            var lossTotal: Double = 0, correct = 0
            var start = 0
            while start < order.count {
                if shouldStop() { throw TrainingInterrupted() }
                let batch = Array(order[start..<min(start + settings.batchSize, order.count)])
                start += settings.batchSize
                // Batch norm needs more than one sample; a trailing single sample is skipped.
                if batch.count < 2 && order.count >= 2 { continue }
                var x = images.gathering(rows: batch)
                let y = batch.map { labels[$0] }
                if let augment { x = augment(x, y, &generator) }
                if let adversarial = settings.adversarial { x = adversarial.perturb(x, labels: y, network: network, generator: &generator) }
                let (loss, predicted) = try network.trainingStep(x, optimizer: &optimizer, generator: generator.fork("step\(step)"),
                                                                  stage: "training \(network.name)", step: step) { logits, context in
                    var loss = crossEntropy(logits: logits, labels: y, labelSmoothing: settings.labelSmoothing)
                    for (name, term) in context.auxiliaryLosses.sorted(by: { $0.key < $1.key }) {
                        loss = loss + term * (settings.auxiliaryWeights[name] ?? 0)
                    }
                    return loss
                }
                _ = generator.next()
                step += 1
                lossTotal += Double(loss) * Double(batch.count)
                correct += zip(predicted, y).filter { $0 == $1 }.count
            }
            var report = EpochReport(epoch: epoch + 1, epochs: settings.epochs, trainLoss: Float(lossTotal / Double(max(trainIndices.count, 1))),
                                     trainAccuracy: Float(correct) / Float(max(trainIndices.count, 1)),
                                     validationLoss: nil, validationAccuracy: nil, learningRate: optimizer.learningRate)
            if !validationIndices.isEmpty {
                let (loss, accuracy) = evaluate(network, images: images.gathering(rows: validationIndices),
                                                labels: validationIndices.map { labels[$0] })
                report.validationLoss = loss
                report.validationAccuracy = accuracy
                if best == nil || loss < best!.loss {
                    best = (loss, network.state)
                    epochsSinceBest = 0
                } else {
                    epochsSinceBest += 1
                }
            }
            reports.append(report)
            progress(report)
            if settings.earlyStoppingPatience > 0 && epochsSinceBest >= settings.earlyStoppingPatience { break }
        }
        if let best, settings.earlyStoppingPatience > 0 { network.state = best.state }
        return reports
    }

    /// Mean cross-entropy and accuracy in evaluation mode.
    public func evaluate(_ network: Network, images: Tensor, labels: [Int]) -> (loss: Float, accuracy: Float) {
        let logits = network.predict(images)
        let loss = crossEntropy(logits: Var(constant: logits), labels: labels).value.scalar
        let accuracy = Float(zip(logits.argmaxRows(), labels).filter { $0 == $1 }.count) / Float(max(labels.count, 1))
        return (loss, accuracy)
    }

    /// Holds out `validationFraction` of each class (at least one image of a class with two or more).
    private func validationSplit(labels: [Int], generator: inout SeededGenerator) -> ([Int], [Int]) {
        guard settings.validationFraction > 0 else { return (Array(labels.indices), []) }
        var byClass: [Int: [Int]] = [:]
        for (index, label) in labels.enumerated() { byClass[label, default: []].append(index) }
        var train: [Int] = [], validation: [Int] = []
        for label in byClass.keys.sorted() {
            var members = byClass[label]!
            members.seededShuffle(using: &generator)
            let held = members.count >= 2 ? max(1, Int((Float(members.count) * settings.validationFraction).rounded())) : 0
            validation += members.prefix(held)
            train += members.dropFirst(held)
        }
        return (train.sorted(), validation.sorted())
    }
}
