import Foundation
import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor

/// A realism prior against decoys (issue 18, item 2): `R(x) = -log p_real(x)` of a real-vs-synthetic
/// classifier that the attacker trains on the public real faces against synthetic faces it makes
/// itself (a dataset plugin such as `synthetic_faces`, or random latents of a generator plugin
/// fitted on the public faces). The dummy-recognizer defense plants synthetic people as decoys; a
/// search that pays for looking synthetic is pulled away from them. The `lambda_aware` attack can
/// also keep, per identity, the restart this prior scores lowest (`select: realism`).
///
/// Threat model (Kerckhoffs; Carlini et al., "On Evaluating Adversarial Robustness", 2019;
/// Tramer et al., "On Adaptive Attacks to Adversarial Example Defenses", NeurIPS 2020): the
/// attacker knows the defense plants synthetic people, but not which ones (the decoys), nor
/// lambda, f or f'. Its synthetic faces are its own: another identity range of the public
/// drawer, or its own generator's samples.
public struct RealismPriorRegularizer: RegularizerPlugin {
    public struct Configuration: SpecConfig, Equatable {
        public var weight: Float = 0.1
        public var synthetic = PluginNode(id: "synthetic_faces")
        public var syntheticImages = 300
        public var classifier = RealismPriorRegularizer.defaultClassifier
        public init() {}

        public static var fields: [SpecField<Self>] { [
            SpecField("weight", \.weight, doc: RegularizerDocs.weight("0 keeps the prior out of the objective (e.g. only to select restarts by it)."),
                      range: 0...),
            SpecField("synthetic", \.synthetic, doc: """
                Where the attacker's own synthetic faces come from: a dataset plugin (default `synthetic_faces`, with \
                image size filled in and identities from 700000 on, not the defender's 500000 range) or a generator \
                plugin (`pca`, `vae`, `dcgan`; fitted on the public faces, random latents of its prior).
                """),
            SpecField("synthetic_images", \.syntheticImages, doc: "How many synthetic faces the classifier is trained on (against every public face).",
                      range: 2...100_000),
            SpecField("classifier", \.classifier, doc: """
                The real-vs-synthetic classifier: a recognizer plugin (two outputs: synthetic, real) with its own \
                `train:` settings (validation_fraction must be 0).
                """),
        ] }
    }

    /// The classifier when the spec names none: a small CNN, 15 epochs.
    public static var defaultClassifier: PluginNode {
        PluginNode(id: "cnn", options: .mapping([
            "channels": .sequence([.value(.int(8)), .value(.int(16))]),
            "hidden": .sequence([.value(.int(32))]),
            "train": .mapping(["epochs": .value(.int(15))]),
        ]))
    }

    /// The identity offset of the attacker's synthetic people in a dataset source.
    public static let identityOffset = 700_000

    public static let id = "realism_prior"
    public static let summary = "Penalise synthetic-looking images: -log p_real(x) of a real-vs-synthetic classifier the attacker trains (adaptive attack on decoys)."
    public static let documentation = """
        An adaptive attacker's prior against the dummy-recognizer defense's decoys (issue 18, item 2). Threat model \
        (Kerckhoffs' principle; Carlini et al. 2019, "On Evaluating Adversarial Robustness"; Tramer et al., NeurIPS \
        2020, "On Adaptive Attacks to Adversarial Example Defenses"): the attacker knows the defense publishes \
        g = lambda f + (1 - lambda) f' with f' trained on synthetic people, but not lambda, f, f' or the decoys. \
        It trains a classifier (`classifier`, two classes) on the public real faces (label real) against \
        `synthetic_images` synthetic faces it makes itself (`synthetic`: the public `synthetic_faces` drawer at \
        identities from 700000 on, or random latents of a generator fitted on the public faces), and adds \
        R(x) = -log p_real(x) = softplus(z_synthetic - z_real) per image to the attack's loss with `weight`. \
        A search pulled toward a synthetic decoy pays for it. `lambda_aware` with `select: realism` keeps per \
        identity the restart of lowest R (weight 0 selects without penalising). The classifier is cached by its \
        configuration (without weight), the data and the seed. Its training log reports its accuracy on the \
        training faces; a prior is only as good as the attacker's synthetic faces resemble the defender's.
        """
    public static let example = """
        type: realism_prior
        weight: 0.1
        synthetic: {type: synthetic_faces}
        synthetic_images: 300
        classifier: {type: cnn, channels: [8, 16], hidden: [32], train: {epochs: 15}}
        """

    public let weight: Float
    let configuration: Configuration
    let syntheticNode: PluginNode
    let classifierNode: PluginNode
    let recognizer: any RecognizerPlugin
    let optimizer: any OptimizerPlugin
    let generator: (any GeneratorPlugin)?
    let context: BuildContext
    /// The trained classifier, after `prepare` (output 0: synthetic, 1: real).
    public private(set) var classifier: Network?

    public init(configuration: Configuration, context: BuildContext) throws {
        func located(_ node: PluginNode, _ key: String) -> PluginNode {
            node.path.isRoot ? PluginNode(id: node.id, options: node.options, path: context.path.appending(key),
                                          idLocation: context.location, location: context.location) : node
        }
        weight = configuration.weight
        self.configuration = configuration
        self.context = context
        let syntheticNode = located(configuration.synthetic, "synthetic")
        let classifierNode = located(configuration.classifier, "classifier")
        self.syntheticNode = syntheticNode
        self.classifierNode = classifierNode
        let registries = context.registries
        var collector = DiagnosticCollector(context)
        var generator: (any GeneratorPlugin)?
        if registries.datasets.descriptor(syntheticNode.id) != nil {
            _ = collector.attempt { try registries.datasets.build(Self.filled(syntheticNode, shape: [1, 8, 8], count: 2, registries: registries), context: context) }
        } else if registries.generators.descriptor(syntheticNode.id) != nil {
            generator = collector.attempt { try registries.generators.build(syntheticNode, context: context) }
        } else {
            collector.append(.unknownName("synthetic source", syntheticNode.id, known: registries.datasets.ids + registries.generators.ids,
                                          listLabel: "known sources (dataset and generator plugins)",
                                          at: syntheticNode.idLocation, path: syntheticNode.idPath))
        }
        let recognizer = collector.attempt { try registries.recognizers.build(classifierNode, context: context) }
        let optimizer = recognizer.flatMap { plugin in collector.attempt { try registries.optimizers.build(plugin.training.optimizer, context: context) } }
        if let recognizer, recognizer.training.validationFraction > 0 {
            collector.append(.error("the realism classifier is trained without a validation split; set validation_fraction to 0",
                                    at: classifierNode.options["train"]?["validation_fraction"]?.location ?? classifierNode.location,
                                    path: classifierNode.path.appending("train").appending("validation_fraction")))
        }
        guard collector.diagnostics.isEmpty, let recognizer, let optimizer else { throw SpecError(collector.diagnostics) }
        self.recognizer = recognizer
        self.optimizer = optimizer
        self.generator = generator
    }

    /// A dataset source node with the keys it declares and the spec leaves out filled in.
    static func filled(_ node: PluginNode, shape: [Int], count: Int, registries: Registries) -> PluginNode {
        let declared = Set(registries.datasets.descriptor(node.id)?.fields.map(\.name) ?? [])
        let perIdentity = 5
        let fills: [(String, Int)] = [
            ("identities", max(2, (count + perIdentity - 1) / perIdentity)), ("images_per_identity", perIdentity),
            ("height", max(shape[1], 8)), ("width", max(shape[2], 8)), ("channels", shape[0]),
            ("identity_offset", identityOffset),
        ]
        var entries = node.options.entries ?? []
        for (key, value) in fills where declared.contains(key) && node.options[key] == nil {
            entries.append(MappingEntry(key: key, value: .value(.int(value))))
        }
        return PluginNode(id: node.id, options: .mapping(entries, at: node.options.location), path: node.path,
                          idLocation: node.idLocation, location: node.location)
    }

    /// The attacker's synthetic faces, `synthetic_images` of them, in the public images' shape.
    func syntheticFaces(publicImages: Tensor, resources: AttackResources) throws -> Tensor {
        let shape = Array(publicImages.shape.dropFirst())
        let count = configuration.syntheticImages
        if let generator {
            let fitted = try generator.fit(publicImages: publicImages, environment: resources.environment)
            var random = SeededGenerator(seed: LearnedPrior.seed(resources.seed, for: Self.id)).fork("synthetic latents")
            let latents = fitted.sampleLatents(count: count, generator: &random)
            let images = latents.mappingRowChunks(128) { fitted.generate(Var(constant: $0)).value }
            return ImageConversion.convert(images.clamped(to: 0...1), channels: shape[0], height: shape[1], width: shape[2])
        }
        let node = Self.filled(syntheticNode, shape: shape, count: count, registries: context.registries)
        let dataset = try context.registries.datasets.build(node, context: context).load(resources.environment)
        let available = dataset.images.shape[0]
        guard available >= 2 else {
            throw RegularizerPreparationError("realism_prior: source '\(node.id)' gave \(available) images; at least 2 are needed")
        }
        let images = dataset.images.gathering(rows: Array(0..<min(count, available)))
        return ImageConversion.convert(images, channels: shape[0], height: shape[1], width: shape[2])
    }

    /// Trains the real-vs-synthetic classifier (or loads it from the model cache).
    public mutating func prepare(_ resources: AttackResources) throws {
        let publicImages = try LearnedPrior.publicImages(resources.data, for: Self.id)
        let shape = Array(publicImages.shape.dropFirst())
        let synthetic = try syntheticFaces(publicImages: publicImages, resources: resources)
        let images = Tensor.concatenate([synthetic, publicImages], alongAxis: 0)
        let labels = Array(repeating: 0, count: synthetic.shape[0]) + Array(repeating: 1, count: publicImages.shape[0])
        let training = recognizer.training
        let seed = training.seed.map { UInt64($0) } ?? LearnedPrior.seed(resources.seed, for: Self.id)
        let architecture = try recognizer.architecture(inputShape: shape, classes: 2)
        var template = Network(architecture, inputShape: shape, seed: seed, name: "realism classifier \(classifierNode.id)")
        if let weights = recognizer.weights {
            try recognizer.load(weights: weights, into: &template)
            classifier = template
            return
        }
        let key = ModelCache.key(["realism_prior classifier", LearnedPrior.trainingDescription(configuration),
                                  "classifier:" + emitFlowYAML(classifierNode.specNode), LearnedPrior.dataFingerprint(resources.data),
                                  "public:\(publicImages.shape)", "seed:\(seed)", "engine:1"])
        let optimizerPlugin = optimizer
        let environment = resources.environment
        let (network, cached) = try environment.cache.network(key: key, template: template) { network in
            var generator = SeededGenerator(seed: seed)
            var optimizer = optimizerPlugin.makeOptimizer()
            let baseRate = optimizer.learningRate
            let stage = environment.progress.stage("training the realism_prior classifier", total: training.epochs, unit: "epochs")
            var step = 0, detail = ""
            for epoch in 0..<training.epochs {
                optimizer.learningRate = optimizerPlugin.schedule.rate(base: baseRate, step: epoch)
                var order = Array(0..<labels.count)
                order.seededShuffle(using: &generator)
                var total: Float = 0, batches = 0
                for start in stride(from: 0, to: order.count, by: training.batchSize) {
                    if environment.isCancelled { throw RunCancelled() }
                    let rows = Array(order[start..<min(start + training.batchSize, order.count)])
                    if rows.count < 2 { continue }
                    let batchLabels = rows.map { labels[$0] }
                    let (loss, _) = try network.trainingStep(images.gathering(rows: rows), optimizer: &optimizer,
                                                             generator: generator.fork("step\(step)"),
                                                             stage: "training the realism_prior classifier", step: step) { logits, _ in
                        crossEntropy(logits: logits, labels: batchLabels)
                    }
                    _ = generator.next()
                    step += 1
                    total += loss
                    batches += 1
                }
                detail = String(format: "loss %.4f", total / Float(max(batches, 1)))
                stage.update(epoch + 1, detail: detail)
            }
            stage.finish(detail)
        }
        let predicted = network.predict(images).argmaxRows()
        let accuracy = Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(max(labels.count, 1))
        environment.progress.log(String(format: "realism_prior: classifier%@ tells real from synthetic on %.1f %% of its %d training faces",
                                        cached ? " (from the model cache)" : "", 100 * accuracy, labels.count))
        classifier = network
    }

    /// `-log p_real(x) = softplus(z_synthetic - z_real)` per image; `prepare` must have run.
    public func penalty(images: Var, latents: Var?) -> Var {
        guard let classifier else { preconditionFailure("realism_prior: penalty(images:latents:) called before prepare(_:)") }
        let logits = classifier.forward(images)
        let difference = Var.matmul(logits, Var(constant: Tensor(shape: [2, 1], scalars: [1, -1])))
        return difference.reshaped([images.shape[0]]).softplus()
    }
}
