import Foundation
import InvLabNN
import InvLabSpec
import InvLabTensor

/// A trained judge of attack success: scores every private class for an image. A judge is a
/// measuring instrument; the metrics test each one in every trial (the pasted-perturbation test,
/// the dose curve) before its verdict enters the headline `attack_top1`.
public protocol Judge: Sendable {
    /// Scores `N x classes` for images `N x C x H x W` in [0, 1]; the argmax is the verdict.
    func scores(_ images: Tensor) -> Tensor
}

/// A judge as a trial uses it: its column name, whether it is the attacked model itself (never
/// valid), and a description for run.json (architecture, training, adversarial budget).
public struct PreparedJudge: Sendable {
    /// Names its columns (`attack_top1_<name>`); unique within the panel.
    public var name: String
    public var judge: any Judge
    /// True when the judge is the attacked target (only with `allow_target_as_evaluator`).
    public var isTarget: Bool
    public var description: JSONValue

    public init(name: String, judge: any Judge, isTarget: Bool = false, description: JSONValue = .null) {
        self.name = name
        self.judge = judge
        self.isTarget = isTarget
        self.description = description
    }
}

/// A network as a judge: its logits, optionally on images average-pooled by `downsample`.
public struct NetworkJudge: Judge {
    public var network: Network
    public var downsample: Int

    public init(network: Network, downsample: Int = 1) {
        self.network = network
        self.downsample = downsample
    }

    public func scores(_ images: Tensor) -> Tensor {
        guard images.shape[0] > 0 else { return Tensor(zeros: [0] + Array(network.outputShape().dropFirst())) }
        return network.predict(NetworkJudge.downsampled(images, by: downsample), batchSize: 128)
    }

    /// `images` average-pooled over `factor x factor` blocks (unchanged for 1).
    public static func downsampled(_ images: Tensor, by factor: Int) -> Tensor {
        factor <= 1 ? images : Tensor.avgPool2d(images, kernel: factor)
    }
}

/// What a judge plugin may use to become a trained judge.
public struct JudgeResources {
    public var data: ExperimentData
    public var environment: RunEnvironment
    public var registries: Registries
    /// The spec's `evaluator:` recognizer (nil with `allow_target_as_evaluator`).
    public var evaluatorNode: PluginNode?
    /// The spec's `target:` recognizer: the architecture a judge falls back to when the spec has
    /// no evaluator (trained separately, with its own seed, so never the target itself).
    public var targetNode: PluginNode
    /// The trial's evaluation classifier as trained (the target itself when `evaluatorIsTarget`).
    public var evaluator: Network
    public var evaluatorIsTarget: Bool
    /// The attacked network's training fingerprint: a judge whose recipe equals it is the target.
    public var targetFingerprint: [String]
    public var specSeed: UInt64
    public var dataFingerprint: String
    public var context: BuildContext

    public init(data: ExperimentData, environment: RunEnvironment, registries: Registries, evaluatorNode: PluginNode?,
                targetNode: PluginNode, evaluator: Network, evaluatorIsTarget: Bool, targetFingerprint: [String], specSeed: UInt64,
                dataFingerprint: String, context: BuildContext) {
        self.data = data
        self.environment = environment
        self.registries = registries
        self.evaluatorNode = evaluatorNode
        self.targetNode = targetNode
        self.evaluator = evaluator
        self.evaluatorIsTarget = evaluatorIsTarget
        self.targetFingerprint = targetFingerprint
        self.specSeed = specSeed
        self.dataFingerprint = dataFingerprint
        self.context = context
    }
}

/// A kind of judge (network, adversarially trained network, Fisherfaces, ...): a panel entry
/// of the spec's `judges:` list.
public protocol JudgePlugin: Plugin {
    /// The panel name (column suffix).
    var name: String { get }
    /// Trains (through the model cache) or fits the judge on the private training split.
    func prepare(_ resources: JudgeResources) throws -> PreparedJudge
}
