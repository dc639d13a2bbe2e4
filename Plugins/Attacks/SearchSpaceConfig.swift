import InvLabCore
import InvLabSpec

/// What the attack optimises: the pixels themselves (Fredrikson et al. 2015), or the latent code
/// `z` of a generator fitted on public faces, with `x = G(z)` (Zhang et al. 2020, GMI; Khosravy
/// et al. 2022).
public enum SearchSpace: String, SpecEnum, Sendable {
    case pixels, latent
}

/// The `search:` mapping of an attack.
public struct SearchSpaceConfig: SpecConfig, Equatable, Sendable {
    public var space = SearchSpace.pixels
    public var generator: PluginNode? = nil

    public init() {}

    public static var fields: [SpecField<Self>] { [
        SpecField("space", \.space, doc: "pixels: optimise the image directly; latent: optimise the latent code z of `generator` and attack x = G(z), with z kept within the generator's latent bounds."),
        SpecField("generator", \.generator, doc: "A generator plugin (e.g. {type: dcgan, ...}), fitted on the public set; required for latent search."),
    ] }

    public func validate(at path: SpecPath, node: Node, context: inout DecodingContext) {
        if space == .latent && generator == nil {
            context.error("search space 'latent' needs a generator", at: node["space"] ?? node, path: path.appending("space"),
                          notes: ["write e.g. `search: {space: latent, generator: {type: dcgan}}`"])
        }
        if space == .pixels, generator != nil {
            context.error("a generator is only used by latent search", at: node["generator"] ?? node, path: path.appending("generator"),
                          notes: ["set `space: latent` to search the generator's latent space, or remove `generator`"])
        }
    }
}

/// Fredrikson et al. 2015's stopping rule (`early_stopping:` of an attack).
///
/// Algorithm 1 of "Model Inversion Attacks that Exploit Confidence Information and Basic
/// Countermeasures" (CCS 2015), MI-FACE(label, alpha, beta, gamma, lambda), runs at most alpha
/// descent steps and, after step i, breaks when `c(x_i) >= max(c(x_{i-1}), ..., c(x_{i-beta}))`
/// (the cost did not improve on the last beta iterations) or when `c(x_i) <= gamma`; it returns
/// the iterate of lowest cost. `window` is beta and `threshold` gamma.
public struct EarlyStoppingConfig: SpecConfig, Equatable, Sendable {
    public var window = 100
    public var threshold: Double? = nil

    public init() {}

    public static var fields: [SpecField<Self>] { [
        SpecField("window", \.window, doc: "beta: stop an attempt once its objective is no lower than the largest of its previous `window` values (checked from iteration `window` on).", range: 1...1_000_000),
        SpecField("threshold", \.threshold, doc: "gamma: stop an attempt once its objective is at or below this value; null: no threshold."),
    ] }
}
