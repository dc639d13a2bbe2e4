import Foundation
import InvLabNN
import InvLabSpec
import InvLabTensor

/// Builds and trains recognizers (target, evaluator, decoy) with caching.
public enum RecognizerTraining {
    /// Seed of a model in a role, derived from the spec's seed unless the recognizer sets one.
    public static func seed(role: String, specSeed: UInt64, override: Int?) -> UInt64 {
        if let override { return UInt64(override) }
        var generator = SeededGenerator(seed: specSeed).fork("model:\(role)")
        return generator.next()
    }

    /// The training recipe of `plugin` (written at `node`) for `role`, before defenses adjust it.
    public static func recipe(_ plugin: any RecognizerPlugin, node: PluginNode, role: String, inputShape: [Int], classes: Int,
                              specSeed: UInt64, dataFingerprint: String, context: BuildContext) throws -> TrainingRecipe {
        let training = plugin.training
        let optimizer = try context.registries.optimizers.build(training.optimizer, context: context)
        var settings = TrainingSettings()
        settings.epochs = training.epochs
        settings.batchSize = training.batchSize
        settings.validationFraction = Float(training.validationFraction)
        settings.earlyStoppingPatience = training.earlyStoppingPatience
        settings.seed = seed(role: role, specSeed: specSeed, override: training.seed)
        settings.schedule = optimizer.schedule
        settings.makeOptimizer = { optimizer.makeOptimizer() }
        let architecture = try plugin.architecture(inputShape: inputShape, classes: classes)
        return TrainingRecipe(role: role, architecture: architecture, architectureName: "\(role) \(node.id)", inputShape: inputShape,
                              settings: settings, augmentation: training.augment,
                              fingerprint: ["recognizer:" + emitFlowYAML(node.specNode)] + (try plugin.trainingFingerprint())
                                  + ["role:\(role)", "seed:\(settings.seed)", dataFingerprint])
    }

    /// The network of `recipe` trained on `set` (or loaded from `recognizer`'s `weights:` file,
    /// the way the recognizer reads it), through the cache.
    public static func train(_ recipe: TrainingRecipe, on set: LabeledSet, recognizer: any RecognizerPlugin,
                             environment: RunEnvironment) throws -> Network {
        try train(recipe, on: set, weights: recognizer.weights, environment: environment) { try recognizer.load(weights: $0, into: &$1) }
    }

    /// The network of `recipe` trained on `set` (or loaded from `weights`, a safetensors file
    /// unless `load` reads it otherwise), through the cache.
    public static func train(_ recipe: TrainingRecipe, on set: LabeledSet, weights: URL?, environment: RunEnvironment,
                             load: (URL, inout Network) throws -> Void = { try $1.load(from: $0) }) throws -> Network {
        var template = Network(recipe.architecture, inputShape: recipe.inputShape, seed: recipe.settings.seed, name: recipe.architectureName)
        if let weights {
            do {
                try load(weights, &template)
            } catch {
                throw DataError("cannot load weights for the \(recipe.role): \(error)")
            }
            return template
        }
        try ResourceGuard.checkTraining("training the \(recipe.role)", imageBytes: set.images.count * 4, network: template,
                                        architecture: recipe.architecture, inputShape: recipe.inputShape, batchSize: recipe.settings.batchSize)
        let key = ModelCache.key(recipe.fingerprint + ["engine:1"])
        let augmenter = Augmenter(recipe.augmentation)
        let (network, cached) = try environment.cache.network(key: key, template: template) { network in
            let stage = environment.progress.stage("training \(recipe.architectureName)", total: recipe.settings.epochs, unit: "epochs")
            let trainer = ClassifierTrainer(settings: recipe.settings,
                                            augment: recipe.augmentation.isIdentity ? nil : { x, y, g in augmenter.apply(x, labels: y, generator: &g) })
            var last: EpochReport?
            do {
                try trainer.train(&network, images: set.images, labels: set.labels, shouldStop: { environment.isCancelled }) { report in
                    last = report
                    stage.update(report.epoch, detail: String(format: "loss %.4f, accuracy %.3f", report.trainLoss, report.trainAccuracy))
                }
            } catch is TrainingInterrupted {
                throw RunCancelled()
            }
            stage.finish(last.map { String(format: "train accuracy %.3f", $0.trainAccuracy) } ?? "")
        }
        if cached { environment.progress.log("\(recipe.architectureName): loaded from the model cache") }
        return network
    }
}
