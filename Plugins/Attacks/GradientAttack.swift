import Foundation
import InvLabCore
import InvLabSpec

/// The white-box model inversion attack: equations (1)-(2) of the source article, minimising
/// `identity_weight * identity_loss(g(x), t_j) + sum_i w_i R_i(x)` by iterative descent on the
/// gradient the published model lets through (`PublishedModel.output`).
public struct GradientAttack: AttackPlugin {
    public struct Configuration: SpecConfig, Equatable, Sendable {
        public var settings = AttackSettings()
        public init() {}
        public static var fields: [SpecField<Self>] { AttackSettings.fields(\.settings) }
        public func validate(at path: SpecPath, node: Node, context: inout DecodingContext) {
            settings.validate(at: path, node: node, context: &context)
        }
    }

    public static let id = "gradient"
    public static let summary = "White-box model inversion by gradient descent on equation (1): MI-FACE in pixel space, GMI-style in a generator's latent space."
    public static let documentation = """
        Minimises `identity_weight * identity_loss(g(x), t_j) + sum_i w_i R_i(x)` (equation (1) of the source article) by \
        the update of equation (2), `x <- P(x - lr * dL/dx)`, with the optimizer plugin's rule and schedule and `P` the \
        projection to `projection` (pixel search) or to the generator's latent bounds (latent search, x = G(z)). \
        Gradients come from the published model's differentiable output (a defense states what it lets through).

        All attacked identities and all their restarts form one batch (I*k rows, identity-major) through the model; \
        the objectives are summed, so each row gets its own gradient. Regularizers are prepared once (they may train \
        priors on the public set); a latent search fits its generator on the public set (the plugin caches it). \
        Each attempt keeps its lowest-objective iterate (`keep_best`, MI-FACE's argmin) and per identity the attempt \
        with the highest published probability of the target class (`PublishedModel.query`) is selected.

        `early_stopping` is Algorithm 1 of Fredrikson, Jha and Ristenpart (CCS 2015): after step i an attempt stops when \
        c(x_i) >= max(c(x_(i-1)), ..., c(x_(i-beta))) or c(x_i) <= gamma (`window` = beta, `threshold` = gamma). \
        Deviation: the window rule applies only once beta earlier values exist. Stopped attempts are frozen (gradient \
        zeroed, values held, no longer evaluated) while the batch goes on.

        Results: `queries` counts model evaluations per identity, all attempts included: one per attempt per \
        evaluated iterate (the start and every step it ran) plus one query per attempt to score the kept image. \
        `seconds` times the search and the selection, not the preparation of priors or the generator.

        MI-FACE (Fredrikson et al. 2015, Algorithm 1) maps to `identity_loss: one_minus_confidence`, \
        `init: {type: zeros}` (x_0 = 0), `optimizer: {type: gradient_descent, lr: lambda}`, `iterations: alpha`, \
        `early_stopping: {window: beta, threshold: gamma}`, `keep_best: true`. Deviation: their PROCESS step after each \
        update (a denoising autoencoder applied to the image in one variant) is not a projection here; use the \
        `dae_prior` regularizer, which penalises the distance to the denoised image instead.

        GMI (Zhang et al. 2020, "The Secret Revealer") in latent space:
        ```yaml
        attack:
          type: gradient
          identity_loss: cross_entropy
          identity_weight: 100
          search: {space: latent, generator: {type: dcgan}}   # latent size 100, z clamped to [-1, 1]
          init: {type: random_latent}
          optimizer: {type: momentum, lr: 0.02, momentum: 0.9}
          regularizers: [{type: discriminator_prior, weight: 1}]
          iterations: 1500
          restarts: 5
          keep_best: false
        ```
        """
    public static let example = """
        type: gradient
        identity_loss: one_minus_confidence
        optimizer: {type: gradient_descent, lr: 0.1}
        regularizers: [{type: total_variation, weight: 0.01}]
        iterations: 500
        restarts: 2
        init: {type: uniform, low: 0.4, high: 0.6}
        early_stopping: {window: 100}
        """

    public let configuration: Configuration
    let components: AttackComponents

    public init(configuration: Configuration, context: BuildContext) throws {
        self.configuration = configuration
        components = try AttackComponents(configuration.settings, context: context)
    }

    /// Every attempt of every identity goes through the model in one batch.
    public func batchSize(targets: Int) -> Int { targets * configuration.settings.restarts }

    /// Rows never interact (the objectives are summed, each row's gradient is its own) and the
    /// starts follow `AttackResources.chunk`, so identity chunks give the one-run result.
    public var splitsByIdentity: Bool { true }

    public func prepareShared(against model: any PublishedModel, resources: AttackResources) throws {
        try SearchProblem.prepareShared(configuration.settings, components: components, resources: resources)
    }

    public func run(against model: any PublishedModel, resources: AttackResources) throws -> AttackResult {
        try IterativeSearch.attack(configuration.settings, components: components, model: model, resources: resources,
                                   queryBudget: nil) { AutodiffEvaluator(problem: $0) }
    }
}
