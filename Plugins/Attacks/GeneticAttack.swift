import Foundation
import InvLabCore
import InvLabSpec
import InvLabTensor

/// Mirror-style black-box model inversion (An et al., "MIRROR: Model Inversion for Deep Learning
/// Network with High Fidelity", NDSS 2022, section IV-C, the black-box variant Mirror-b): a genetic
/// search over the latent space of a generator fitted on public faces, scored by the target's
/// published probability of the attacked class alone, within a query budget per identity.
public struct GeneticAttack: AttackPlugin {
    public struct Configuration: SpecConfig, Equatable, Sendable {
        public var generator = PluginNode(id: "dcgan", options: .mapping([]))
        public var population = 32
        public var elites = 4
        public var generations = 60
        public var tournament = 2
        public var mutationProbability = 0.1
        public var mutationSigma = 0.25
        public var queryBudget = 2_000
        public var finalSelection = FinalSelectionConfig()

        public init() {}

        public static var fields: [SpecField<Self>] { [
            SpecField("generator", \.generator, doc: "The generator plugin whose latent space is searched, fitted on the public set (Mirror uses StyleGAN; here e.g. {type: dcgan} or {type: pca})."),
            SpecField("population", \.population, doc: "Latent codes per identity in every generation; the first generation is drawn from the generator's prior.", range: 2...100_000),
            SpecField("elites", \.elites, doc: "The fittest codes carried unchanged into the next generation (not queried again).", range: 0...100_000),
            SpecField("max_generations", \.generations, doc: "Generations after the first, at most (the query budget may end the search earlier).", range: 0...1_000_000),
            SpecField("tournament", \.tournament, doc: "Each parent is the fittest of this many codes drawn at random from the generation.", range: 1...1_000),
            SpecField("mutation_probability", \.mutationProbability, doc: "Chance that one coordinate of a child is mutated.", range: 0...1),
            SpecField("mutation_sigma", \.mutationSigma, doc: "Standard deviation of the Gaussian noise a mutated coordinate receives, in latent units.", bounds: .greaterThan(0)),
            SpecField("query_budget", \.queryBudget, doc: "Queries allowed per identity: the first generation costs `population`, each later one `population - elites`; the search stops before a generation it cannot pay for.", range: 1...Int(Int32.max)),
            SpecField("final_selection", \.finalSelection, doc: "PPA-style selection among the last population (Struppek et al. 2022): {transformations: n, min_crop, flip, noise}; n queries per code, counted beyond query_budget. n = 0: the code of highest score seen."),
        ] }

        public func validate(at path: SpecPath, node: Node, context: inout DecodingContext) {
            if elites >= population {
                context.error("elites \(elites) must be fewer than population \(population)", at: node["elites"] ?? node,
                              path: path.appending("elites"), notes: ["with no child per generation the search cannot move"])
            }
            if queryBudget < population {
                context.error("query_budget \(queryBudget) cannot pay for the first generation of \(population) codes",
                              at: node["query_budget"] ?? node, path: path.appending("query_budget"),
                              notes: ["raise query_budget to at least population, or lower population"])
            }
        }
    }

    public static let id = "genetic"
    public static let summary = "Mirror-style black-box inversion (An et al. 2022): genetic search in a generator's latent space from confidences only, within a query budget."
    public static let documentation = """
        Black-box (Mirror-b, An et al., NDSS 2022): per identity a population of latent codes of a generator fitted on \
        the public set, scored by the published probability of the attacked class (`PublishedModel.query` only, no \
        gradient). Each generation keeps the `elites` fittest codes and fills the rest with children: two parents, each \
        the fittest of `tournament` random codes, uniform crossover (every coordinate from either parent), then each \
        coordinate mutated with probability `mutation_probability` by Gaussian noise of `mutation_sigma`, projected to \
        the generator's latent bounds. Every identity's codes go through the model in one batch per generation.

        Queries are counted exactly per identity: the first generation costs `population`, each later one \
        `population - elites` (elites keep their known score); the search stops before a generation that would exceed \
        `query_budget`, so it never does. The whole last population is reported (restarts = population) and per identity \
        the code the model scored highest is selected, from the scores already seen (no extra query). The objective \
        is `1 - p_j(G(z))`; the loss curve is each identity's best objective per generation.

        Departures from the paper: Mirror searches StyleGAN's w space with its own crossover/mutation schedule and a \
        final `p`-space projection; this search uses the project's smaller generators, fixed rates and tournament selection.
        """
    public static let example = """
        type: genetic
        generator: {type: pca}
        population: 16
        elites: 2
        max_generations: 10
        query_budget: 200
        """

    public let configuration: Configuration
    let components: AttackComponents
    let settings: AttackSettings

    public init(configuration: Configuration, context: BuildContext) throws {
        self.configuration = configuration
        settings = LatentPopulation.settings(generator: configuration.generator, rowsPerIdentity: configuration.population,
                                             finalSelection: configuration.finalSelection)
        components = try AttackComponents(settings, context: context)
    }

    public func batchSize(targets: Int) -> Int { min(targets * configuration.population, SearchProblem.queryChunk) }

    public func prepareShared(against model: any PublishedModel, resources: AttackResources) throws {
        try SearchProblem.prepareShared(settings, components: components, resources: resources)
    }

    public func run(against model: any PublishedModel, resources: AttackResources) throws -> AttackResult {
        guard !resources.targets.isEmpty else { return AttackResultAssembly.empty(model: model, restarts: configuration.population) }
        let setup = try LatentPopulation(settings: settings, components: components, model: model, resources: resources)
        var search = GeneticSearch(setup: setup, configuration: configuration, model: model,
                                   random: SeededGenerator(seed: resources.seed).fork("genetic"))
        return try search.run(targets: resources.targets, environment: resources.environment)
    }
}
