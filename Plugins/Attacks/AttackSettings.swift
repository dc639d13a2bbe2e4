import InvLabCore
import InvLabSpec

/// The keys the `gradient` and `query` attacks share: the objective of equation (1) of the source
/// article, `identity_weight * identity_loss(g(x), t_j) + sum_i w_i R_i(x)`, and how equation (2)
/// descends it (optimizer, iterations, restarts, start, projection, stopping).
///
/// Each attack's configuration embeds one value and lists these keys at its top level through
/// `fields(_:)`, so that both attacks document and validate them identically.
public struct AttackSettings: Equatable, Sendable {
    public var identityLoss = IdentityLoss.squaredError
    public var identityWeight = 1.0
    public var logitNormWeight = 0.001
    public var regularizers: [PluginNode] = []
    public var optimizer = PluginNode(id: "gradient_descent", options: .mapping([MappingEntry(key: "lr", value: .value(.float(0.1)))]))
    public var search = SearchSpaceConfig()
    public var iterations = 1000
    public var restarts = 1
    public var start = AttackStart()
    public var projection: [Double]? = [0, 1]
    public var earlyStopping: EarlyStoppingConfig? = nil
    public var keepBest = true
    public var curveEvery = 10
    public var finalSelection = FinalSelectionConfig()
    public var augmentation = ModelAugmentationConfig()

    public init() {}

    /// The shared keys of a configuration `Root` that stores them at `settings`.
    static func fields<Root: SpecConfig>(_ settings: WritableKeyPath<Root, AttackSettings>) -> [SpecField<Root>] {
        func key<V>(_ path: WritableKeyPath<AttackSettings, V>) -> WritableKeyPath<Root, V> { settings.appending(path: path) }
        return [
            SpecField("identity_loss", key(\.identityLoss), doc: "The identity term: " + IdentityLoss.allCases.map { "\($0.rawValue) = \($0.summary)" }.joined(separator: "; ") + "."),
            SpecField("identity_weight", key(\.identityWeight), doc: "Multiplier of the identity term (GMI uses 100 beside its discriminator prior).", bounds: .greaterThan(0)),
            SpecField("logit_norm_weight", key(\.logitNormWeight), doc: "w of identity_loss logit_maximisation, -z_j + w ||z||^2 (LOMMA's feature-norm term, taken on the logits); unused by the other identity losses.", range: 0...1_000_000),
            SpecField("regularizers", key(\.regularizers), doc: "Regularizer plugins R_i(x) added to the objective, each with its own `weight` (e.g. total_variation, dae_prior, discriminator_prior)."),
            SpecField("optimizer", key(\.optimizer), doc: "The update rule of equation (2), an optimizer plugin; its schedule advances once per iteration."),
            SpecField("search", key(\.search), doc: "The search space: {space: pixels}, or {space: latent, generator: {type: ...}} to attack x = G(z)."),
            SpecField("iterations", key(\.iterations), doc: "Descent steps per attempt (MI-FACE's alpha; GMI uses 1500).", range: 1...10_000_000),
            SpecField("restarts", key(\.restarts), doc: "Attempts per identity from different starts; the attempt the attacked model gives the highest target probability is kept, all are reported.", range: 1...10_000),
            SpecField("init", key(\.start), doc: "How attempts start: {type: auto|zeros|constant|uniform|mean_public_face|random_latent, value, low, high}."),
            SpecField("projection", key(\.projection), doc: "Pixel range [low, high] every image is projected to after each step (pixel search); null disables it. Reported images are clamped to [0, 1].",
                      check: { range in
                          guard let range else { return nil }
                          return range.count == 2 && range[0] < range[1] ? nil : "expected [low, high] with low < high"
                      }),
            SpecField("early_stopping", key(\.earlyStopping), doc: "Fredrikson et al. 2015's stopping rule per attempt, {window: beta, threshold: gamma}; stopped attempts are frozen while the rest go on. null: run every iteration."),
            SpecField("keep_best", key(\.keepBest), doc: "Return each attempt's iterate of lowest objective (MI-FACE's argmin over x_i) instead of its last one."),
            SpecField("curve_every", key(\.curveEvery), doc: "Record the objective every this many iterations for the loss curves (the first and last iteration are always recorded).", range: 1...1_000_000),
            SpecField("augmentation", key(\.augmentation), doc: "LOMMA's model augmentation (Nguyen et al. 2023): {surrogates: [recognizer, ...], flips}; surrogates distilled from the target on the public faces are attacked with it, the identity loss averaged over the target and the surrogates. White-box descent only."),
            SpecField("final_selection", key(\.finalSelection), doc: "PPA-style selection among each identity's attempts (Struppek et al. 2022): {transformations: n, min_crop, flip, noise} scores every attempt by its mean target probability over n random crops/flips/noise (n queries each); n = 0 keeps the attempt of highest untransformed probability."),
        ]
    }

    /// Cross-key checks; `node` is the attack's mapping.
    func validate(at path: SpecPath, node: Node, context: inout DecodingContext) {
        let allowed = AttackStart.allowed(in: search.space)
        if !allowed.contains(start.type) {
            let initNode = node["init"]
            context.error("init type '\(start.type.rawValue)' does not apply to search space '\(search.space.rawValue)'",
                          at: initNode?["type"] ?? initNode ?? node, path: path.appending("init").appending("type"),
                          notes: ["with search space '\(search.space.rawValue)' use one of: \(allowed.map(\.rawValue).joined(separator: ", "))"])
        }
    }
}
