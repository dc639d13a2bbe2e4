import Foundation
import InvLabCore
import InvLabSpec
import InvLabTensor

/// The black-box model inversion attack of the cloud-API threat model the source article starts
/// from: the attacker only sees the probabilities a prediction API returns, and estimates the
/// gradient of the identity term with natural evolution strategies.
public struct QueryAttack: AttackPlugin {
    public struct Configuration: SpecConfig, Equatable, Sendable {
        public var settings = AttackSettings()
        public var samples = 50
        public var sigma = 0.01
        public var queryBudget = 100_000

        public init() {}

        public static var fields: [SpecField<Self>] {
            AttackSettings.fields(\.settings) + [
                SpecField("samples", \.samples, doc: "Queries per gradient estimate, in antithetic pairs (+u, -u), so even (Ilyas et al. 2018 use 50).",
                          range: 2...100_000, check: { $0 % 2 == 0 ? nil : "expected an even number of samples (antithetic pairs), got \($0)" }),
                SpecField("sigma", \.sigma, doc: "Standard deviation of the search distribution (perturbation size) in units of the search variable (pixels in [0, 1], or latents).",
                          bounds: .greaterThan(0)),
                SpecField("query_budget", \.queryBudget, doc: "Queries allowed per identity, all restarts together; an identity whose attempts cannot afford another step stops. At least restarts x (samples + 2).",
                          range: 1...Int(Int32.max)),
            ]
        }

        public func validate(at path: SpecPath, node: Node, context: inout DecodingContext) {
            settings.validate(at: path, node: node, context: &context)
            if !settings.augmentation.surrogates.isEmpty {
                context.error("augmentation needs gradients through the surrogates and the target; the query attack has only queries",
                              at: node["augmentation"] ?? node, path: path.appending("augmentation"),
                              notes: ["use `type: gradient` for LOMMA's model augmentation, or remove `augmentation`"])
            }
            let first = settings.restarts * (samples + 2)
            if queryBudget < first {
                context.error("query_budget \(queryBudget) cannot pay for one step: restarts x (samples + 2) = \(first) queries per identity",
                              at: node["query_budget"] ?? node, path: path.appending("query_budget"),
                              notes: ["each attempt spends samples + 1 queries on its start and its gradient estimate, then 1 on the step it takes"])
            }
        }
    }

    public static let id = "query"
    public static let summary = "Black-box model inversion from prediction-API probabilities only, gradients estimated by natural evolution strategies."
    public static let documentation = """
        The objective and loop of the `gradient` attack (same keys, same batching of identities and restarts, same \
        early stopping, selection and projection), but the identity term is computed from `PublishedModel.query` \
        outputs only (logit_margin then uses log-probabilities, cross_entropy -log p_j) and its gradient is estimated \
        with natural evolution strategies using antithetic Gaussian sampling (Wierstra et al. 2014; Ilyas et al. 2018): \
        grad ~ 1/(n sigma) sum_i f(v + sigma u_i) u_i with pairs +u_i, -u_i and n = `samples`. Perturbed images are \
        clipped to the projection range in pixel search; in latent search the latents are perturbed and decoded by the \
        attacker's generator.

        Regularizers do not query the model, so their (exact) gradient is taken by autodiff on the attacker's own \
        computation, e.g. total variation, or a prior through the generator.

        Queries are counted exactly per identity, all restarts included: every image sent to `query` counts one \
        (samples + 1 per attempt and step with a gradient estimate, 1 without). The target probability of the kept \
        iterate is known from those queries; only a reported image that differs from the queried one (clamped to \
        [0, 1] when the projection allows more) is queried again, and counted (one query per such attempt, which may \
        exceed the budget). An identity stops when its attempts \
        cannot afford another evaluation within `query_budget`; a gradient is only estimated when the step it leads \
        to can also be evaluated.
        """
    public static let example = """
        type: query
        identity_loss: one_minus_confidence
        optimizer: {type: gradient_descent, lr: 0.5}
        iterations: 200
        samples: 40
        sigma: 0.01
        query_budget: 20000
        """

    public let configuration: Configuration
    let components: AttackComponents

    public init(configuration: Configuration, context: BuildContext) throws {
        self.configuration = configuration
        components = try AttackComponents(configuration.settings, context: context)
    }

    /// Each step queries every attempt and its `samples` perturbations, in chunks of
    /// `SearchProblem.queryChunk` images (forward passes only, no tape).
    public func batchSize(targets: Int) -> Int {
        min(targets * configuration.settings.restarts * (configuration.samples + 1), SearchProblem.queryChunk)
    }

    /// Not split by identity: the NES perturbations of all rows come from one random stream per
    /// step, so an identity's estimates depend on which identities share its run.
    public var splitsByIdentity: Bool { false }

    public func prepareShared(against model: any PublishedModel, resources: AttackResources) throws {
        try SearchProblem.prepareShared(configuration.settings, components: components, resources: resources)
    }

    public func run(against model: any PublishedModel, resources: AttackResources) throws -> AttackResult {
        try IterativeSearch.attack(configuration.settings, components: components, model: model, resources: resources,
                                   queryBudget: configuration.queryBudget) { problem in
            NESEvaluator(problem: problem, samples: configuration.samples, sigma: Float(configuration.sigma),
                         random: SeededGenerator(seed: resources.seed).fork("query-nes"))
        }
    }
}
