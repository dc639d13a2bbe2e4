import InvLabCore
import InvLabSpec
import InvLabTensor

/// What the latent black-box attacks (`genetic`, `boundary_repulsion`) share: a generator fitted
/// on the public set and a set of latent rows per attacked identity drawn from its prior, set up
/// through the same `SearchProblem` as the descent attacks (same start draws, same chunking of
/// identities, same checks of the generator's image shape).
struct LatentPopulation {
    /// The problem the rows belong to: `rowTargets`, the fitted generator (`decoder`) and its bounds.
    let problem: SearchProblem
    /// The starting latents, `[identities * rowsPerIdentity, latentSize]`, identity-major.
    let start: Tensor
    /// The final selection among an identity's rows.
    let selection: FinalSelection

    var rowsPerIdentity: Int { problem.restarts }
    var identities: Int { problem.rows / max(problem.restarts, 1) }

    /// The attack settings that describe `rowsPerIdentity` random latent starts of `generator`.
    static func settings(generator: PluginNode, rowsPerIdentity: Int, finalSelection: FinalSelectionConfig = FinalSelectionConfig()) -> AttackSettings {
        var settings = AttackSettings()
        settings.finalSelection = finalSelection
        settings.search.space = .latent
        settings.search.generator = generator
        settings.start.type = .randomLatent
        settings.restarts = rowsPerIdentity
        settings.keepBest = false
        return settings
    }

    /// Fits the generator and draws the starts. `model` is only used for its class count and
    /// input shape (checked against the generator's images); nothing is queried.
    init(settings: AttackSettings, components: AttackComponents, model: any PublishedModel, resources: AttackResources) throws {
        (problem, start) = try SearchProblem.prepare(settings, components: components, model: model, resources: resources)
        selection = FinalSelection(configuration: settings.finalSelection, seed: resources.seed)
    }

    /// The images of latents `z`, clamped to [0, 1]: exactly what the attack sends to the model.
    func images(_ z: Tensor) -> Tensor {
        problem.decodedImages(z).clamped(to: 0...1)
    }

    /// Projects latents into the generator's bounds.
    func projected(_ z: Tensor) -> Tensor {
        guard let bounds = problem.bounds else { return z }
        var z = z
        z.clamp(to: bounds)
        return z
    }

    /// The result of a search that ends with latents `kept` (every row), whose target scores are
    /// known (`confidence`, what the attack observed at exactly these latents), so assembling it
    /// queries nothing more (except an active final selection's transformed copies, counted). `objective` is the attack's own per-row objective at the start and at
    /// the end; `curves` its per-row history at `curveSteps`.
    func result(targets: [Int], kept: Tensor, confidence: [Float], startObjective: [Float], keptObjective: [Float],
                curves: [[Float]], curveSteps: [Int], iterations: [Int], queries: [Int], seconds: Double) -> AttackResult {
        let outcome = SearchOutcome(kept: kept, keptConfidence: confidence.map { Optional($0) }, curves: curves, curveSteps: curveSteps,
                                    iterations: iterations, queries: queries, startObjective: startObjective, keptObjective: keptObjective)
        return AttackResultAssembly.result(targets: targets, problem: problem, start: start, outcome: outcome, seconds: seconds,
                                           selection: selection)
    }
}

/// A per-identity query budget, counted exactly: every image sent to the model costs one.
struct QueryLedger {
    let budget: Int
    private(set) var spent: [Int]

    init(identities: Int, budget: Int) {
        self.budget = budget
        spent = [Int](repeating: 0, count: identities)
    }

    /// Whether identity `identity` can still pay for `count` queries.
    func canAfford(_ count: Int, identity: Int) -> Bool { spent[identity] + count <= budget }

    /// Records `count` queries of identity `identity`; never beyond the budget.
    mutating func charge(_ count: Int, identity: Int) {
        precondition(canAfford(count, identity: identity), "query budget exceeded")
        spent[identity] += count
    }
}
