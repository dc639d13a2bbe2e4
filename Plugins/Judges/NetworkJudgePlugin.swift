import Foundation
import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor

/// PGD adversarial training of a network judge (Madry et al. 2018), as written in a spec.
public struct AdversarialTrainingConfig: SpecConfig, Equatable, Sendable {
    public enum NormName: String, SpecEnum, Sendable { case l2, linf }
    public var norm = NormName.l2
    public var epsilon = 1.0
    public var steps = 3
    public var stepSize: Double? = nil
    public init() {}

    public static var fields: [SpecField<Self>] { [
        SpecField("norm", \.norm, doc: "The ball the perturbation stays in: `l2` (per image) or `linf` (per pixel)."),
        SpecField("epsilon", \.epsilon, doc: """
            Radius of the ball, pixels in [0, 1]. The default L2 radius 1.0 is an RMS change of about 0.01 per pixel \
            on 112x92 faces (Madry et al.'s ImageNet L2 budget of 3.0 scaled to the image size).
            """, bounds: .greaterThan(0)),
        SpecField("steps", \.steps, doc: "PGD ascent steps per training batch.", range: 1...100),
        SpecField("step_size", \.stepSize, doc: "Length of each step; default 2.5 epsilon / steps (Madry et al.).",
                  check: { ($0 ?? 1) > 0 ? nil : "expected a step size > 0, got \($0 ?? 0)" }),
    ] }

    /// The engine's PGD settings.
    public var engine: AdversarialTraining {
        AdversarialTraining(norm: norm == .l2 ? .l2 : .linf, epsilon: Float(epsilon), steps: steps,
                            stepSize: Float(stepSize ?? 2.5 * epsilon / Double(steps)))
    }
}

/// A network trained on the private training split as a judge: the spec's evaluator itself, or
/// another recognizer, optionally on downsampled images and optionally adversarially trained.
public struct NetworkJudgePlugin: JudgePlugin {
    public struct Configuration: SpecConfig {
        public var name = "network"
        public var model: PluginNode? = nil
        public var downsample = 1
        public var adversarial: AdversarialTrainingConfig? = nil
        public init() {}
        public static var fields: [SpecField<Self>] { [
            judgeNameField(\.name),
            SpecField("model", \.model, doc: """
                The judge's recognizer plugin, trained on the private training split with a seed of its own. \
                Default: the spec's `evaluator:` (its `target:` architecture when there is none); without `downsample` \
                and `adversarial` that is the trial's evaluator itself.
                """),
            SpecField("downsample", \.downsample, doc: "Average-pool images by this factor before the network (trained and judged at that resolution).",
                      range: 1...8),
            SpecField("adversarial", \.adversarial, doc: "PGD adversarial training (norm, epsilon, steps, step_size); absent: ordinary training."),
        ] }
    }

    public static let id = "network"
    public static let summary = "A network judge: the evaluator, or another recognizer, at a chosen resolution, optionally PGD adversarially trained."
    public static let documentation = """
        Judges by the argmax of a network trained on the private training split. With no `model`, `downsample` or \
        `adversarial`, it is the trial's evaluator (`evaluator:`), unchanged. Otherwise a network is trained for the \
        judge alone (role `judge:<name>`, its own seed, through the model cache): `model` (default: the evaluator's \
        recognizer) on images average-pooled by `downsample`, and with `adversarial`, by PGD adversarial training \
        (Madry et al., ICLR 2018): each batch, after augmentation, is replaced by the images in an L2 or L∞ ball of \
        radius `epsilon` that maximise the cross-entropy, found by `steps` projected ascent steps from a random start. \
        Adversarially trained features resist perturbations optimised against other networks, which is what a plain \
        evaluator that shares training data with the target fails on. The training and the PGD budget are written \
        to run.json (`judges`). A judge is never the target: with `allow_target_as_evaluator` the evaluator judge is \
        the target and is excluded from the headline.
        """
    public static let example = """
        type: network
        name: adversarial_cnn
        model: {type: cnn, channels: [16, 32], hidden: [64], train: {epochs: 20, optimizer: {type: adam, lr: 0.001}}}
        downsample: 1
        adversarial: {norm: l2, epsilon: 1.0, steps: 3}
        """

    public let configuration: Configuration
    let modelPlugin: (any RecognizerPlugin)?

    public var name: String { configuration.name }

    public init(configuration: Configuration, context: BuildContext) throws {
        self.configuration = configuration
        var nested = context
        nested.path = context.path.appending("model")
        modelPlugin = try configuration.model.map { try context.registries.recognizers.build($0, context: nested) }
    }

    /// True when the judge is the trial's evaluator as it is.
    var isEvaluator: Bool { configuration.model == nil && configuration.downsample == 1 && configuration.adversarial == nil }

    public func prepare(_ resources: JudgeResources) throws -> PreparedJudge {
        if isEvaluator {
            return PreparedJudge(name: name, judge: NetworkJudge(network: resources.evaluator), isTarget: resources.evaluatorIsTarget,
                                 description: describe(source: resources.evaluatorIsTarget ? "the attacked target itself (allow_target_as_evaluator)"
                                                                                          : "the trial's evaluator", model: resources.evaluatorNode))
        }
        // The judge's own model, else the evaluator's architecture, else (a spec judged by its
        // target) the target's architecture, trained anew with the judge's own seed.
        let node = configuration.model ?? resources.evaluatorNode ?? resources.targetNode
        let plugin = try modelPlugin ?? resources.registries.recognizers.build(node, context: resources.context)
        let factor = configuration.downsample
        let images = NetworkJudge.downsampled(resources.data.privateTrain.images, by: factor)
        let shape = Array(images.shape.dropFirst())
        guard shape.count == 3, shape[1] >= 1, shape[2] >= 1 else {
            throw DataError("judge '\(name)': downsample \(factor) leaves no pixels of \(resources.data.imageShape) images")
        }
        var recipe = try RecognizerTraining.recipe(plugin, node: node, role: "judge:\(name)", inputShape: shape,
                                                   classes: resources.data.classes, specSeed: resources.specSeed,
                                                   dataFingerprint: resources.dataFingerprint, context: resources.context)
        recipe.fingerprint.append("downsample:\(factor)")
        if let adversarial = configuration.adversarial {
            recipe.settings.adversarial = adversarial.engine
            recipe.fingerprint.append(adversarial.engine.fingerprint)
        }
        let network = try RecognizerTraining.train(recipe, on: LabeledSet(images: images, labels: resources.data.privateTrain.labels),
                                                   recognizer: plugin, environment: resources.environment)
        let isTarget = recipe.fingerprint == resources.targetFingerprint
        var description = describe(source: "trained for this judge on the private training split (seed \(recipe.settings.seed))", model: node)
        if let adversarial = configuration.adversarial {
            let engine = adversarial.engine
            description = description.setting("adversarial", to: .object([
                ("method", "PGD (Madry et al. 2018), training on the adversarial images only"), ("norm", .string(engine.norm.rawValue)),
                ("epsilon", .number(Double(engine.epsilon))), ("steps", .integer(engine.steps)), ("step_size", .number(Double(engine.stepSize))),
            ]))
        }
        return PreparedJudge(name: name, judge: NetworkJudge(network: network, downsample: factor), isTarget: isTarget, description: description)
    }

    func describe(source: String, model: PluginNode?) -> JSONValue {
        .object([
            ("name", .string(name)), ("type", .string(Self.id)), ("source", .string(source)),
            ("model", model.map { .string(emitFlowYAML($0.specNode)) } ?? .null),
            ("downsample", .integer(configuration.downsample)), ("adversarial", .null),
        ])
    }
}
