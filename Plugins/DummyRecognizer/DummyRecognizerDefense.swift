// The article's defense, and the worked example of a team adding a defense as its own module.
//
// A walk through this module (four files and a registration):
//
// 1. `DummyRecognizerDefense` (this file) is the plugin. Its `Configuration` is a `SpecConfig`:
//    every key has a default written once in the struct and documented in `fields`, so
//    `invlab plugins`, `invlab schema` and the diagnostics ("expected a number in [0, 1], got
//    1.5") come for free. `init(configuration:context:)` is cheap: it only builds the nested
//    plugins (the synthetic-face source and the dummy's recognizer and optimizer) through
//    `context.registries`, so that `invlab validate` reports a bad nested key before anything is
//    trained. No tensors, no disk.
// 2. `wrap(_:resources:)` is the run-time half of `DefensePlugin`: it draws one synthetic person
//    per class (`SyntheticIdentitySource`), trains the dummy recognizer f' on them through the
//    model cache (`DummyRecognizerTraining`), and returns the composite g
//    (`DummyRecognizerModel`). A defense that changed training instead would implement
//    `adjust(_:)` and append its canonical text to the recipe's fingerprint.
// 3. The cache key of f' is built from everything that determines its weights and nothing else;
//    lambda is not in it, so a sweep over lambda trains f (by the Core) and f' (here) once.
// 4. `Registration.swift` adds the type to a `Registries` value; `Builtins` calls it.

import Foundation
import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor

/// The dummy-recognizer defense (Kotsuji & Nakamura, IEICE 2024; extended version SCITEPRESS
/// 2025): publish g(x) = lambda f(x) + (1 - lambda) f'(x), equation (3) of the article, where f'
/// is a decoy recognizer whose output j fires on a synthetic person j.
///
/// An attacker minimising ||g(x) - t_j||^2 + R(x) (equation (4)) with 1 - lambda > lambda is
/// pulled to f'(x) = t_j: the reconstruction converges on synthetic person j, not on the real
/// person j. On a real face of person j, f' is low everywhere and f is ~1 at j, so g's argmax
/// stays j and recognition accuracy is kept. f' is trained on:
///
/// - the synthetic faces: `images_per_identity` images of one synthetic person per class, with
///   that class as a one-hot target (cross-entropy);
/// - with `real_negatives: public` (the default; the extended version's advice), also the real
///   PUBLIC faces of the data split with the uniform distribution as target, weighted by
///   `real_negative_weight`, so that f' stays low on real faces. `private_train` uses the private
///   training faces instead (the defender owns them) and `public_and_private_train` both; `none`
///   trains on the synthetic faces alone.
///
/// See `DummyTrainingSetup` for the exact loss and batching.
public struct DummyRecognizerDefense: DefensePlugin {
    public struct Configuration: SpecConfig, Equatable {
        public var lambda = 0.25
        public var source = PluginNode(id: "synthetic_faces")
        public var imagesPerIdentity = 10
        public var latentVariation = 0.3
        public var recognizer = DummyRecognizerDefense.defaultRecognizer
        public var realNegatives = RealNegatives.publicFaces
        public var realNegativeWeight = 1.0
        public init() {}

        public static var fields: [SpecField<Self>] { [
            SpecField("lambda", \.lambda, doc: """
                Weight of the protected model f in g = lambda f + (1 - lambda) f'. The defense needs lambda < 0.5 \
                (the article uses 0 <= lambda < 0.5; 0.25-0.3 kept accuracy and cut attack success below 30 %); \
                values up to 1 are allowed for sweeps like the article's Figure 5 (lambda = 1 publishes f alone).
                """, range: 0...1),
            SpecField("source", \.source, doc: """
                Where the synthetic people come from: a dataset plugin (class k gets the source's k-th identity; \
                `synthetic_faces` by default, with identities, image size and an identity offset of 500000 filled in) \
                or a generator plugin (`pca`, `vae`, `dcgan`; fitted on the public split, one latent anchor per class).
                """),
            SpecField("images_per_identity", \.imagesPerIdentity, doc: "Synthetic images of each class's synthetic person that f' is trained on.",
                      range: 1...1_000),
            SpecField("latent_variation", \.latentVariation, doc: """
                Generator sources only: how far a synthetic person's images stray from its latent anchor a \
                (image latents sqrt(1 - v^2) a + v e, e a fresh prior draw); 0 repeats the anchor.
                """, range: 0...1),
            SpecField("recognizer", \.recognizer, doc: """
                The dummy recognizer f': a recognizer plugin with its own architecture and `train:` settings \
                (validation_fraction must be 0; `weights:` loads a trained f' instead).
                """),
            SpecField("real_negatives", \.realNegatives, doc: """
                Real faces f' is also trained on with a uniform target, so that it stays low on real faces: `public` \
                (the extended version's advice; needs a public split), `private_train` (the defender's own training \
                faces), `public_and_private_train`, or `none` (synthetic faces only).
                """),
            SpecField("real_negative_weight", \.realNegativeWeight, doc: "Weight of the real-face (uniform target) term of f''s loss.",
                      bounds: SpecBounds(lower: (0, false), upper: (100, true))),
        ] }
    }

    /// f' when the spec names none: a small CNN with the default training settings.
    public static var defaultRecognizer: PluginNode {
        PluginNode(id: "cnn", options: .mapping([
            "channels": .sequence([.value(.int(16)), .value(.int(32))]),
            "hidden": .sequence([.value(.int(128))]),
        ]))
    }

    public static let id = "dummy_recognizer"
    public static let summary = "Publish lambda f + (1 - lambda) f', f' a decoy recognizer of synthetic faces (Kotsuji & Nakamura 2024; the article's defense)."
    public static let documentation = """
        The article's defense, equation (3): g(x) = lambda f(x) + (1 - lambda) f'(x), 0 <= lambda < 0.5, where f' \
        has the same n outputs as the protected model f but output j is trained to fire on a synthetic person j. \
        An attack on g (equation (4)) is pulled toward f'(x) = t_j and reconstructs the synthetic person; on real \
        faces f' is low, so g keeps f's answers. f' is trained (cross-entropy) on `images_per_identity` images of one \
        synthetic person per class from `source`, and, with `real_negatives: public` (the default; the extended \
        version, SCITEPRESS 2025), also on the real public faces with the uniform distribution as target (weight \
        `real_negative_weight`); each mini-batch pairs batch_size synthetic images with as many real faces. \
        `real_negatives: private_train` uses the private training faces (which the defender owns) instead and \
        `public_and_private_train` both: an option beyond the article, for public sets too small to stand for \
        the private people. The log reports f''s mean top output on public and private training faces. \
        g publishes probabilities only (no logits). f' and its synthetic people are cached by a key without \
        lambda, so a lambda sweep trains them once. The synthetic people are attached to g as its decoys \
        (`DecoyImages`, for the `decoy_rate` metric). Deviations: the authors' synthetic faces come from an \
        image-generation model trained on faces; the default source here is procedurally drawn `synthetic_faces` \
        (a generator plugin can be named instead), and the dummy's architecture is the spec's, not the authors'.
        """
    public static let example = """
        type: dummy_recognizer
        lambda: 0.25
        source: {type: synthetic_faces, variation: 1.0}
        images_per_identity: 10
        recognizer: {type: cnn, channels: [16, 32], hidden: [128], train: {epochs: 30, optimizer: {type: adam, lr: 0.001}}}
        real_negatives: public
        real_negative_weight: 1.0
        """

    public let configuration: Configuration
    let context: BuildContext
    let source: SyntheticIdentitySource
    let recognizerNode: PluginNode
    let recognizer: any RecognizerPlugin
    let optimizer: any OptimizerPlugin

    public init(configuration: Configuration, context: BuildContext) throws {
        // Defaults carry no spec path; give them this plugin's, so messages name the key.
        let sourceNode = Self.located(configuration.source, key: "source", context: context)
        let recognizerNode = Self.located(configuration.recognizer, key: "recognizer", context: context)
        let built = try Self.buildNested(source: sourceNode, recognizer: recognizerNode, context: context)
        self.configuration = configuration
        self.context = context
        self.recognizerNode = recognizerNode
        (source, recognizer, optimizer) = built
    }

    /// Builds the source, f''s recognizer and its optimizer, reporting every problem at once.
    static func buildNested(source sourceNode: PluginNode, recognizer recognizerNode: PluginNode, context: BuildContext) throws
        -> (SyntheticIdentitySource, any RecognizerPlugin, any OptimizerPlugin) {
        var collector = DiagnosticCollector(context)
        let source = collector.attempt { try SyntheticIdentitySource.resolve(sourceNode, context: context) }
        let recognizer = collector.attempt { try context.registries.recognizers.build(recognizerNode, context: context) }
        let optimizer = recognizer.flatMap { plugin in collector.attempt { try context.registries.optimizers.build(plugin.training.optimizer, context: context) } }
        if let recognizer, recognizer.training.validationFraction > 0 {
            let trainNode = recognizerNode.options["train"]
            collector.append(.error("the dummy recognizer is trained without a validation split; set validation_fraction to 0",
                                      at: trainNode?["validation_fraction"]?.location ?? recognizerNode.location,
                                      path: recognizerNode.path.appending("train").appending("validation_fraction")))
        }
        guard collector.diagnostics.isEmpty, let source, let recognizer, let optimizer else { throw SpecError(collector.diagnostics) }
        return (source, recognizer, optimizer)
    }

    static func located(_ node: PluginNode, key: String, context: BuildContext) -> PluginNode {
        guard node.path.isRoot else { return node }
        return PluginNode(id: node.id, options: node.options, path: context.path.appending(key),
                          idLocation: context.location, location: context.location)
    }

    // MARK: Run time

    public func wrap(_ model: any PublishedModel, resources: DefenseResources) throws -> any PublishedModel {
        let shape = model.inputShape, classes = model.classes
        guard shape == resources.data.imageShape else {
            throw DummyRecognizerError("dummy_recognizer: the protected model takes \(shape) images but the data has \(resources.data.imageShape)")
        }
        let synthetic = try syntheticIdentities(classes: classes, imageShape: shape, resources: resources)
        let dummy = try dummyRecognizer(synthetic: synthetic, classes: classes, imageShape: shape, resources: resources)
        let decoys = DecoyImages(images: (0..<classes).map { synthetic.images(ofClass: $0) })
        return DummyRecognizerModel(protected: model, dummy: dummy, lambda: Float(configuration.lambda), syntheticIdentities: decoys,
                                    dummyDescription: "\(recognizerNode.id) on \(source.node.id)")
    }

    /// Canonical text of the data the dummy depends on (public faces, image shape, split).
    static func dataDescription(_ data: ExperimentData) -> String {
        let split = data.splitDescription.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
        return "data:\(data.imageShape) classes:\(data.classes) public:\(data.publicSet.count) \(split)"
    }

    /// Cache-key parts of the synthetic people (not lambda, not the recognizer).
    func identityKeyParts(classes: Int, imageShape: [Int], resources: DefenseResources) -> [String] {
        let node = source.effectiveNode(classes: classes, imagesPerIdentity: configuration.imagesPerIdentity, imageShape: imageShape,
                                        registries: context.registries)
        var parts = ["dummy_recognizer synthetic identities", "source:" + emitFlowYAML(node.specNode),
                     "images_per_identity:\(configuration.imagesPerIdentity)", "classes:\(classes)", "shape:\(imageShape)",
                     "seed:\(resources.seed)", "engine:1"]
        if source.isGenerator { parts += ["latent_variation:\(configuration.latentVariation)", Self.dataDescription(resources.data)] }
        return parts
    }

    /// The model-cache key of f': everything that determines its weights, and not lambda.
    public func dummyCacheKey(classes: Int, imageShape: [Int], resources: DefenseResources) -> String {
        let negatives = "real_negatives:\(configuration.realNegatives.rawValue) weight \(configuration.realNegativeWeight)"
        return ModelCache.key(identityKeyParts(classes: classes, imageShape: imageShape, resources: resources)
            + ["dummy recognizer f'", "recognizer:" + emitFlowYAML(recognizerNode.specNode), negatives,
               Self.dataDescription(resources.data)])
    }

    /// One synthetic person per class, drawn once per configuration and data (cached).
    func syntheticIdentities(classes: Int, imageShape: [Int], resources: DefenseResources) throws -> LabeledSet {
        let key = ModelCache.key(identityKeyParts(classes: classes, imageShape: imageShape, resources: resources))
        let stored = try resources.environment.cache.tensors(key: key) {
            let set = try source.draw(classes: classes, imagesPerIdentity: configuration.imagesPerIdentity, imageShape: imageShape,
                                      latentVariation: Float(configuration.latentVariation), resources: resources, context: context)
            return ["images": set.images, "labels": Tensor(set.labels.map(Float.init))]
        }
        guard let images = stored["images"], let labels = stored["labels"] else {
            throw DummyRecognizerError("dummy_recognizer: the cached synthetic identities (key \(key)) lack 'images' or 'labels'; delete that cache file")
        }
        return LabeledSet(images: images, labels: labels.scalars.map { Int($0) })
    }

    /// f': loaded from `weights:`, from the model cache, or trained.
    func dummyRecognizer(synthetic: LabeledSet, classes: Int, imageShape: [Int], resources: DefenseResources) throws -> Network {
        var seeds = SeededGenerator(seed: resources.seed).fork("dummy_recognizer f'")
        let seed = recognizer.training.seed.map { UInt64($0) } ?? seeds.next()
        let architecture = try recognizer.architecture(inputShape: imageShape, classes: classes)
        var template = Network(architecture, inputShape: imageShape, seed: seed, name: "dummy recognizer \(recognizerNode.id)")
        if let weights = recognizer.weights {
            do { try recognizer.load(weights: weights, into: &template) } catch {
                throw DummyRecognizerError("dummy_recognizer: cannot load the dummy recognizer's weights: \(error)")
            }
            return template
        }
        let negatives = try configuration.realNegatives.faces(resources.data)
        // Each mini-batch pairs batch_size synthetic images with as many real faces.
        try ResourceGuard.checkTraining("training the dummy recognizer f'", imageBytes: 4 * (synthetic.images.count + (negatives?.images.count ?? 0)),
                                        network: template, architecture: architecture, inputShape: imageShape,
                                        batchSize: 2 * recognizer.training.batchSize)
        let setup = DummyTrainingSetup(synthetic: synthetic, negatives: negatives,
                                       negativeWeight: Float(configuration.realNegativeWeight), classes: classes,
                                       training: recognizer.training, optimizer: optimizer, seed: seed)
        let environment = resources.environment
        let (network, cached) = try environment.cache.network(key: dummyCacheKey(classes: classes, imageShape: imageShape, resources: resources),
                                                               template: template) { network in
            try DummyRecognizerTraining.train(&network, setup, environment: environment)
        }
        let data = resources.data
        let report = DummyRecognizerTraining.diagnostics(network, synthetic: synthetic, publicFaces: data.publicSet.images,
                                                         privateFaces: data.privateTrain.images)
        environment.progress.log(String(format: "dummy recognizer f'%@: recognises %.1f %% of its synthetic identities; mean top output %@on private training faces %.3f (uniform %.3f)",
                                        cached ? " (from the model cache)" : "", 100 * report.syntheticAccuracy,
                                        report.publicTopOutput.map { String(format: "on public faces %.3f, ", $0) } ?? "",
                                        report.privateTopOutput ?? .nan, 1 / Double(classes)))
        if report.syntheticAccuracy < 0.5 {
            environment.progress.log(String(format: "dummy_recognizer: warning: f' recognises only %.1f %% of its synthetic identities (chance %.1f %%); "
                + "the synthetic people may be indistinguishable (e.g. a generator that draws nearly one face for every latent) or f' undertrained, "
                + "and then g plants no decoys", 100 * report.syntheticAccuracy, 100 / Double(classes)))
        }
        return network
    }
}
