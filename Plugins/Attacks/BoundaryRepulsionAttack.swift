import Foundation
import InvLabCore
import InvLabSpec
import InvLabTensor

/// BREP-MI (Kahla, Chen, Just and Jia, "Label-Only Model Inversion Attacks via Boundary
/// Repulsion", CVPR 2022): a label-only attack in the latent space of a generator fitted on public
/// faces. It sees the target's top-1 label and nothing else (`LabelOnlyOracle`).
public struct BoundaryRepulsionAttack: AttackPlugin {
    public struct Configuration: SpecConfig, Equatable, Sendable {
        public var generator = PluginNode(id: "dcgan", options: .mapping([]))
        public var initialBatch = 64
        public var spherePoints = 32
        public var radius = 2.0
        public var radiusGrowth = 1.3
        public var maxRadius = 16.0
        public var stepSize = 1.0
        public var iterations = 100
        public var queryBudget = 5_000

        public init() {}

        public static var fields: [SpecField<Self>] { [
            SpecField("generator", \.generator, doc: "The generator plugin whose latent space is searched, fitted on the public set (BREP-MI uses GMI's GAN; e.g. {type: dcgan} or {type: pca})."),
            SpecField("initial_batch", \.initialBatch, doc: "Prior samples labelled per round while looking for a first code the target labels as the attacked class.", range: 1...100_000),
            SpecField("sphere_points", \.spherePoints, doc: "N: points labelled on the sphere of radius R around the current code per step (BREP-MI's estimate of the repulsion direction).", range: 1...100_000),
            SpecField("radius", \.radius, doc: "R at the start, in latent units.", bounds: .greaterThan(0)),
            SpecField("radius_growth", \.radiusGrowth, doc: "Factor R grows by whenever every sphere point is labelled the attacked class (BREP-MI's radius expansion).", bounds: .greaterThan(1)),
            SpecField("max_radius", \.maxRadius, doc: "The search of an identity ends once R exceeds this.", bounds: .greaterThan(0)),
            SpecField("step_size", \.stepSize, doc: "alpha: the step is alpha * R times the mean unit direction away from the sphere points labelled another class.", bounds: .greaterThan(0)),
            SpecField("iterations", \.iterations, doc: "Repulsion steps per identity, at most.", range: 0...1_000_000),
            SpecField("query_budget", \.queryBudget, doc: "Labels allowed per identity (initial search and steps together); a step costs sphere_points + 1 and is only taken when it can be paid for.", range: 1...Int(Int32.max)),
        ] }
    }

    public static let id = "boundary_repulsion"
    public static let summary = "BREP-MI (Kahla et al. 2022): label-only inversion by boundary repulsion in a generator's latent space, with exact query counts."
    public static let documentation = """
        Label-only (BREP-MI, Kahla et al., CVPR 2022): the attack holds the published model only through a label oracle \
        (the top-1 class of each image, counted) and never sees a confidence or a gradient. Per identity: prior codes of \
        a generator fitted on the public set are labelled `initial_batch` at a time until one is labelled the attacked \
        class (the first such code starts the search; an identity with none within its budget reports its first sample). \
        Then each step labels `sphere_points` points z + R u_n (u_n uniform on the unit sphere) and moves \
        z <- z + alpha R M with M = -(1/N) sum over points labelled another class of u_n (Phi_y = -1 outside the class, 0 \
        inside): away from the decision boundary. The new code is labelled and kept only if it stays in the class. When \
        every sphere point is in the class, R grows by `radius_growth`; an identity stops when R exceeds `max_radius`, \
        after `iterations` steps, or when its budget cannot pay for another step.

        Queries are exact: every image labelled counts one against the identity's `query_budget`, never exceeded. The \
        reported attempt confidence is the label indicator (1 when the kept code is labelled the attacked class, else 0): \
        the attack has no other score. Departures from the paper: one point per identity (no restarts), the step is \
        scaled by R, the sphere is in the project's latent spaces, and latents are projected to the generator's bounds. \
        The loss curve records R before every step (it only grows while the code stays deep inside the class).
        """
    public static let example = """
        type: boundary_repulsion
        generator: {type: pca}
        sphere_points: 8
        iterations: 10
        query_budget: 400
        """

    public let configuration: Configuration
    let components: AttackComponents
    let settings: AttackSettings

    public init(configuration: Configuration, context: BuildContext) throws {
        self.configuration = configuration
        settings = LatentPopulation.settings(generator: configuration.generator, rowsPerIdentity: 1)
        components = try AttackComponents(settings, context: context)
    }

    public func batchSize(targets: Int) -> Int { min(targets * max(configuration.spherePoints, configuration.initialBatch), SearchProblem.queryChunk) }

    public func prepareShared(against model: any PublishedModel, resources: AttackResources) throws {
        try SearchProblem.prepareShared(settings, components: components, resources: resources)
    }

    public func run(against model: any PublishedModel, resources: AttackResources) throws -> AttackResult {
        guard !resources.targets.isEmpty else { return AttackResultAssembly.empty(model: model, restarts: 1) }
        let setup = try LatentPopulation(settings: settings, components: components, model: model, resources: resources)
        guard let decoder = setup.problem.decoder else { throw AttackError("boundary_repulsion searches a generator's latent space, but none was fitted") }
        var search = BoundaryRepulsionSearch(configuration: configuration, oracle: LabelOnlyOracle(model), decoder: decoder,
                                             bounds: setup.problem.bounds, targets: resources.targets,
                                             random: SeededGenerator(seed: resources.seed).fork("brep"))
        let began = Date()
        let outcome = try search.run(start: setup.start, environment: resources.environment)
        let rows = resources.targets.count
        let indicator = outcome.inClass.map { $0 ? Float(1) : 0 }
        return setup.result(targets: resources.targets, kept: outcome.latents, confidence: indicator,
                            startObjective: [Float](repeating: 1, count: rows), keptObjective: indicator.map { 1 - $0 },
                            curves: outcome.radiusHistory, curveSteps: Array(0..<(outcome.radiusHistory.first?.count ?? 0)),
                            iterations: outcome.steps, queries: outcome.queries, seconds: Date().timeIntervalSince(began))
    }
}
