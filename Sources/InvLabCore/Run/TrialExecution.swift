import Foundation
import InvLabNN
import InvLabSpec
import InvLabTensor

/// The trained models of a trial.
public struct TrialModels {
    /// The target as trained (with training-time defenses).
    public var target: Network
    /// The target trained without training-time defenses (the baseline of accuracy drops).
    public var undefended: Network
    public var evaluator: Network
    public var evaluatorIsTarget: Bool
    /// What determines the evaluator and the data it judges (its training recipe or weights
    /// file, and the data split): trials with the same identity share a `MetricMemo`.
    public var evaluatorIdentity: String
    /// What determines the target's weights (a judge with the same recipe would be the target).
    public var targetFingerprint: [String]
}

/// The model-building stages of one trial.
public struct TrialExecution {
    public let plan: ExperimentPlan
    public let environment: RunEnvironment
    public let registries: Registries

    var context: BuildContext {
        BuildContext(specDirectory: plan.specDirectory, seed: UInt64(plan.spec.seed), registries: registries)
    }

    /// Trains (or loads from the cache) the target, its undefended baseline and the evaluator.
    public func trainModels(data: ExperimentData) throws -> TrialModels {
        let fingerprint = DataPreparation.fingerprint(plan.spec)
        let baseRecipe = try RecognizerTraining.recipe(plan.target, node: plan.spec.target, role: "target", inputShape: data.imageShape,
                                                       classes: data.classes, specSeed: UInt64(plan.spec.seed),
                                                       dataFingerprint: fingerprint, context: context)
        var recipe = baseRecipe
        for defense in plan.defenses { try defense.adjust(&recipe) }
        let target = try RecognizerTraining.train(recipe, on: data.privateTrain, recognizer: plan.target, environment: environment)
        let undefended = recipe.fingerprint == baseRecipe.fingerprint
            ? target
            : try RecognizerTraining.train(baseRecipe, on: data.privateTrain, recognizer: plan.target, environment: environment)
        guard let evaluatorPlugin = plan.evaluator, let evaluatorNode = plan.spec.evaluator else {
            return TrialModels(target: target, undefended: undefended, evaluator: target, evaluatorIsTarget: true,
                               evaluatorIdentity: (["target"] + recipe.fingerprint + [plan.target.weights?.path ?? "", fingerprint]).joined(separator: "\n"),
                               targetFingerprint: recipe.fingerprint)
        }
        let evaluatorRecipe = try RecognizerTraining.recipe(evaluatorPlugin, node: evaluatorNode, role: "evaluator", inputShape: data.imageShape,
                                                            classes: data.classes, specSeed: UInt64(plan.spec.seed),
                                                            dataFingerprint: fingerprint, context: context)
        let evaluator = try RecognizerTraining.train(evaluatorRecipe, on: data.privateTrain, recognizer: evaluatorPlugin,
                                                     environment: environment)
        return TrialModels(target: target, undefended: undefended, evaluator: evaluator, evaluatorIsTarget: false,
                           evaluatorIdentity: (["evaluator"] + evaluatorRecipe.fingerprint + [evaluatorPlugin.weights?.path ?? "", fingerprint])
                               .joined(separator: "\n"),
                           targetFingerprint: recipe.fingerprint)
    }

    /// The judge panel trained (through the model cache) or fitted on the private training split.
    /// Empty when no metric of the spec reads the panel (nothing is trained then).
    public func prepareJudges(models: TrialModels, data: ExperimentData) throws -> [PreparedJudge] {
        guard plan.metrics.contains(where: \.usesJudges) else { return [] }
        let resources = JudgeResources(data: data, environment: environment, registries: registries, evaluatorNode: plan.spec.evaluator,
                                       targetNode: plan.spec.target, evaluator: models.evaluator, evaluatorIsTarget: models.evaluatorIsTarget,
                                       targetFingerprint: models.targetFingerprint, specSeed: UInt64(plan.spec.seed),
                                       dataFingerprint: DataPreparation.fingerprint(plan.spec), context: context)
        return try plan.judges.map { try $0.prepare(resources) }
    }

    /// The published model: the target wrapped by every defense, in order.
    public func publish(_ target: Network, data: ExperimentData) throws -> any PublishedModel {
        let resources = DefenseResources(
            data: data, environment: environment,
            seed: RecognizerTraining.seed(role: "defense", specSeed: UInt64(plan.spec.seed), override: nil), registries: registries)
        var model: any PublishedModel = NetworkModel(target)
        for defense in plan.defenses { model = try defense.wrap(model, resources: resources) }
        return model
    }
}

extension TrialModels {
    /// Throws the first failure that a layer of the target, the undefended target, the
    /// evaluator or the published model (with a defense's own networks) recorded in a forward
    /// pass since the last call (see `LayerFailures`: a layer that cannot throw from `forward`,
    /// e.g. an imported ONNX graph failing at some batch size).
    public func throwRecordedFailures(published: any PublishedModel) throws {
        for network in [target, undefended, evaluator] { try network.throwRecordedFailure() }
        try published.throwRecordedFailure()
    }

    /// `body`'s result, after checking that none of its forward passes recorded a failure
    /// (`throwRecordedFailures(published:)`): a stage that ran the models, e.g. the attack.
    public func checked<T>(published: any PublishedModel, _ body: () throws -> T) throws -> T {
        let result = try body()
        try throwRecordedFailures(published: published)
        return result
    }
}
