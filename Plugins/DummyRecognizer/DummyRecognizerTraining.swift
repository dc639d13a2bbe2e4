import Foundation
import InvLabCore
import InvLabNN
import InvLabTensor

/// What f' is trained on, and how.
///
/// Every mini-batch holds `batchSize` synthetic images with their class (one-hot targets) and,
/// when `negatives` is set, as many real public faces (cycled through in a seeded order) whose
/// target is the uniform distribution 1/n: the lowest output a softmax can give every class at
/// once. The loss is
///
///     L = mean over synthetic images of CE(f'(x), onehot(k))
///       + weight * mean over real faces of CE(f'(x), uniform)
///
/// computed in one forward pass over the concatenated batch (so batch-norm statistics see both).
/// Optimizer, schedule (per epoch), epochs, batch size, augmentation (applied to both halves)
/// and seed come from the recognizer's `train:` mapping.
struct DummyTrainingSetup {
    var synthetic: LabeledSet
    var negatives: LabeledSet?
    var negativeWeight: Float
    var classes: Int
    var training: TrainingConfig
    var optimizer: any OptimizerPlugin
    var seed: UInt64
}

enum DummyRecognizerTraining {
    /// Cross-entropy against soft targets whose rows carry their own weights:
    /// `-sum(targets * logSoftmax(logits))`.
    static func softTargetLoss(logits: Var, weightedTargets: Tensor) -> Var {
        -(logits.logSoftmax() * weightedTargets).sum()
    }

    /// The targets of a batch: one-hot rows weighted 1/S for S synthetic images, then uniform
    /// rows weighted `weight`/R for R real faces.
    static func targets(labels: [Int], negatives: Int, classes: Int, weight: Float) -> Tensor {
        var parts = [Tensor.oneHot(labels, classes: classes) * (1 / Float(max(labels.count, 1)))]
        if negatives > 0 {
            parts.append(Tensor(repeating: weight / (Float(negatives) * Float(classes)), shape: [negatives, classes]))
        }
        return parts.count == 1 ? parts[0] : Tensor.concatenate(parts, alongAxis: 0)
    }

    /// Trains `network` in place. Throws `RunCancelled` when the user interrupts and
    /// `NumericalFault` when the loss stops being finite.
    static func train(_ network: inout Network, _ setup: DummyTrainingSetup, environment: RunEnvironment) throws {
        let training = setup.training
        var generator = SeededGenerator(seed: setup.seed)
        var optimizer = setup.optimizer.makeOptimizer()
        let baseRate = optimizer.learningRate
        let augmenter = training.augment.isIdentity ? nil : Augmenter(training.augment)
        var negativeOrder: [Int] = [], negativeCursor = 0
        let stage = environment.progress.stage("training the dummy recognizer f'", total: training.epochs, unit: "epochs")
        var step = 0
        var lastDetail = ""
        for epoch in 0..<training.epochs {
            optimizer.learningRate = setup.optimizer.schedule.rate(base: baseRate, step: epoch)
            var order = Array(0..<setup.synthetic.count)
            order.seededShuffle(using: &generator)
            var lossTotal: Float = 0, correct = 0, batches = 0
            for start in stride(from: 0, to: order.count, by: training.batchSize) {
                if environment.isCancelled { throw RunCancelled() }
                let rows = Array(order[start..<min(start + training.batchSize, order.count)])
                // Batch norm needs two samples; a trailing single synthetic image alone is skipped.
                if rows.count < 2 && setup.negatives == nil && order.count >= 2 { continue }
                var x = setup.synthetic.images.gathering(rows: rows)
                let labels = rows.map { setup.synthetic.labels[$0] }
                if let augmenter { x = augmenter.apply(x, labels: labels, generator: &generator) }
                var negativeCount = 0
                if let negatives = setup.negatives {
                    var picked: [Int] = []
                    while picked.count < rows.count {
                        if negativeCursor == negativeOrder.count {
                            negativeOrder = Array(0..<negatives.count)
                            negativeOrder.seededShuffle(using: &generator)
                            negativeCursor = 0
                        }
                        picked.append(negativeOrder[negativeCursor])
                        negativeCursor += 1
                    }
                    var real = negatives.images.gathering(rows: picked)
                    if let augmenter { real = augmenter.apply(real, labels: picked.map { negatives.labels[$0] }, generator: &generator) }
                    x = Tensor.concatenate([x, real], alongAxis: 0)
                    negativeCount = picked.count
                }
                let targets = targets(labels: labels, negatives: negativeCount, classes: setup.classes, weight: setup.negativeWeight)
                let (loss, predicted) = try network.trainingStep(x, optimizer: &optimizer, generator: generator.fork("step\(step)"),
                                                                  stage: "training the dummy recognizer f'", step: step) { logits, _ in
                    softTargetLoss(logits: logits, weightedTargets: targets)
                }
                _ = generator.next()
                step += 1
                lossTotal += loss
                batches += 1
                correct += zip(predicted.prefix(labels.count), labels).filter { $0 == $1 }.count
            }
            lastDetail = String(format: "loss %.4f, synthetic accuracy %.3f", lossTotal / Float(max(batches, 1)),
                                Float(correct) / Float(max(setup.synthetic.count, 1)))
            stage.update(epoch + 1, detail: lastDetail)
        }
        stage.finish(lastDetail)
    }

    /// Share of the synthetic set that f' assigns to its own class, and f''s mean largest output
    /// on real faces (at most 512 of each set; nil for an empty set): what the extended version
    /// asks of a dummy, high on its synthetic identities and low on real faces.
    static func diagnostics(_ network: Network, synthetic: LabeledSet, publicFaces: Tensor, privateFaces: Tensor)
        -> (syntheticAccuracy: Double, publicTopOutput: Double?, privateTopOutput: Double?) {
        let predicted = network.predict(synthetic.images).argmaxRows()
        let accuracy = Double(zip(predicted, synthetic.labels).filter { $0 == $1 }.count) / Double(max(synthetic.count, 1))
        func meanTop(_ images: Tensor) -> Double? {
            guard images.shape[0] > 0 else { return nil }
            let sample = images.slice(alongAxis: 0, 0..<min(images.shape[0], 512))
            return Double(Tensor.softmaxLastAxis(network.predict(sample)).maxAlongLastAxis().values.mean())
        }
        return (accuracy, meanTop(publicFaces), meanTop(privateFaces))
    }
}
