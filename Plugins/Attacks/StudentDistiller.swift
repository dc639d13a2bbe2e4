import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor

/// Distils a student recognizer from a published model's outputs: a recognizer plugin (its
/// architecture and `train:` settings) trained by soft cross-entropy on (input, output-row) pairs,
/// through the model cache. The `surrogate` attack's student and LOMMA's augmentation surrogates
/// (Nguyen et al., CVPR 2023, section 4.2) are both made here.
struct StudentDistiller {
    let node: PluginNode
    let recognizer: any RecognizerPlugin
    let optimizer: any OptimizerPlugin
    /// What the student is called in progress lines, cache keys and its random stream.
    let name: String

    /// Builds the recognizer at `node` and its optimizer, recording mistakes in `collector`;
    /// a student sees every probe, so a validation split is refused.
    static func build(_ node: PluginNode, name: String, context: BuildContext, collector: inout DiagnosticCollector) -> StudentDistiller? {
        let registries = context.registries
        let recognizer = collector.attempt { try registries.recognizers.build(node, context: context) }
        let optimizer = recognizer.flatMap { plugin in collector.attempt { try registries.optimizers.build(plugin.training.optimizer, context: context) } }
        if let recognizer, recognizer.training.validationFraction > 0 {
            collector.append(.error("the \(name) is trained on all probes; set validation_fraction to 0",
                                    at: node.options["train"]?["validation_fraction"]?.location ?? node.location,
                                    path: node.path.appending("train").appending("validation_fraction")))
        }
        guard let recognizer, let optimizer else { return nil }
        return StudentDistiller(node: node, recognizer: recognizer, optimizer: optimizer, name: name)
    }

    /// Soft cross-entropy training of the student on (`inputs`, `targets`, rows of class
    /// probabilities), through the model cache.
    func train(inputs: Tensor, targets: Tensor, classes: Int, resources: AttackResources) throws -> Network {
        let shape = Array(inputs.shape.dropFirst())
        let training = recognizer.training
        var seeds = SeededGenerator(seed: resources.seed).fork(name)
        let seed = training.seed.map { UInt64($0) } ?? seeds.next()
        let architecture = try recognizer.architecture(inputShape: shape, classes: classes)
        let template = Network(architecture, inputShape: shape, seed: seed, name: "\(name) \(node.id)")
        if let weights = recognizer.weights {
            var loaded = template
            try recognizer.load(weights: weights, into: &loaded)
            return loaded
        }
        let key = ModelCache.key([name, "student:" + emitFlowYAML(node.specNode), "seed:\(seed)",
                                  "probes:" + SurrogateAttack.fingerprint(inputs), "targets:" + SurrogateAttack.fingerprint(targets)])
        let optimizerPlugin = optimizer
        let environment = resources.environment
        let (network, _) = try environment.cache.network(key: key, template: template) { network in
            var generator = SeededGenerator(seed: seed)
            var optimizer = optimizerPlugin.makeOptimizer()
            let baseRate = optimizer.learningRate
            let count = inputs.shape[0]
            let stage = environment.progress.stage("training the \(name)", total: training.epochs, unit: "epochs")
            var step = 0, detail = ""
            for epoch in 0..<training.epochs {
                optimizer.learningRate = optimizerPlugin.schedule.rate(base: baseRate, step: epoch)
                var order = Array(0..<count)
                order.seededShuffle(using: &generator)
                var total: Float = 0, batches = 0
                for start in stride(from: 0, to: count, by: training.batchSize) {
                    if environment.isCancelled { throw RunCancelled() }
                    let rows = Array(order[start..<min(start + training.batchSize, count)])
                    if rows.count < 2 && count >= 2 { continue }
                    let x = inputs.gathering(rows: rows)
                    let weighted = targets.gathering(rows: rows) * (1 / Float(rows.count))
                    let (loss, _) = try network.trainingStep(x, optimizer: &optimizer, generator: generator.fork("step\(step)"),
                                                             stage: "training the \(name)", step: step) { logits, _ in
                        -(logits.logSoftmax() * weighted).sum()
                    }
                    _ = generator.next()
                    step += 1
                    total += loss
                    batches += 1
                }
                detail = String(format: "soft cross-entropy %.4f", total / Float(max(batches, 1)))
                stage.update(epoch + 1, detail: detail)
            }
            stage.finish(detail)
        }
        return network
    }
}
