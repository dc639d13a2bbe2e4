import Foundation
import InvLabCore
import InvLabSpec
import InvLabTensor

/// An adaptive white-box attack on the dummy-recognizer defense (issue 18, item 3): it probes the
/// published model on public faces to estimate lambda, then drives `g_j(x)` toward the level a
/// real face of person j reaches, `c = lambda + (1 - lambda)/K`, with `(g_j(x) - c)^2`, instead of
/// maximising `g_j`, so that the decoy's extra confidence (g_j ~ 1 - lambda on synthetic person j)
/// stops paying. Restarts can be selected by a realism prior instead of by confidence.
///
/// Threat model (Kerckhoffs; Carlini et al., "On Evaluating Adversarial Robustness", 2019;
/// Tramer et al., "On Adaptive Attacks to Adversarial Example Defenses", NeurIPS 2020): the
/// attacker knows that `g = lambda f + (1 - lambda) f'` with f' trained on synthetic people and
/// pushed toward a uniform output on real faces, has white-box access to g and the public faces;
/// it does not know lambda, f, f' or the decoys. Lambda is estimated from queries on public faces
/// only (`LambdaProbe`), never read from the model.
public struct LambdaAwareAttack: AttackPlugin {
    /// The identity term of a `lambda_aware` attack.
    public enum Objective: String, SpecEnum, Sendable {
        /// `(g_j(x) - c)^2` with c the estimated real-face level (or `target_level`).
        case level
        /// The `identity_loss` key, as the `gradient` attack uses it (probe and selection only).
        case identityLoss = "identity_loss"
    }

    public struct Configuration: SpecConfig, Equatable, Sendable {
        public var settings = AttackSettings()
        public var objective = Objective.level
        public var targetLevel: Double? = nil
        public var probe = ProbeConfig()
        public var select = RestartSelection.confidence
        public init() {}

        public static var fields: [SpecField<Self>] {
            AttackSettings.fields(\.settings) + [
                SpecField("objective", \.objective, doc: """
                    The identity term: `level` = identity_weight * (g_j(x) - c)^2, c the level a real face of person j \
                    reaches (lambda + (1 - lambda)/K at the estimated lambda, or `target_level`); `identity_loss` = the \
                    `identity_loss` key as in the gradient attack (then only the probe and the selection are adaptive).
                    """),
                SpecField("target_level", \.targetLevel, doc: "The level c of the `level` objective; null: estimated from the probe (the adaptive attacker does not know lambda).",
                          check: { level in level.map { (0...1).contains($0) } ?? true ? nil : "expected a number in [0, 1] or null" }),
                SpecField("probe", \.probe, doc: "The queries on public faces (and their mirror images and mixtures) that estimate lambda: {budget, flips, mixtures, noise}."),
                SpecField("select", \.select, doc: """
                    Which restart is kept per identity: `confidence` (the highest published target probability, as `gradient`) \
                    or `realism` (the lowest penalty of the attack's `realism_prior` regularizer, i.e. the most real-looking; \
                    give it weight 0 to select without penalising).
                    """),
            ]
        }

        public func validate(at path: SpecPath, node: Node, context: inout DecodingContext) {
            settings.validate(at: path, node: node, context: &context)
            if select == .realism && !settings.regularizers.contains(where: { $0.id == "realism_prior" }) {
                context.error("select: realism scores the restarts with the attack's realism_prior regularizer, but `regularizers` has none",
                              at: node["select"] ?? node, path: path.appending("select"),
                              notes: ["add {type: realism_prior, weight: 0} to `regularizers` to select without penalising"])
            }
            if select == .realism && settings.finalSelection.transformations > 0 {
                context.error("select: realism and final_selection both choose among the restarts; keep one",
                              at: node["final_selection"] ?? node, path: path.appending("final_selection"))
            }
            if objective == .level && !settings.augmentation.surrogates.isEmpty {
                context.error("augmentation averages the identity loss over surrogates; objective: level has no identity loss",
                              at: node["augmentation"] ?? node, path: path.appending("augmentation"),
                              notes: ["set objective: identity_loss, or remove `augmentation`"])
            }
        }
    }

    public static let id = "lambda_aware"
    public static let summary = "Adaptive attack on the dummy recognizer: estimate lambda from public-face queries, aim g_j at the level a real face reaches; restarts by confidence or realism."
    public static let documentation = """
        An adaptive attacker against the dummy-recognizer defense (issue 18, item 3). Threat model (Kerckhoffs' \
        principle; Carlini et al. 2019, "On Evaluating Adversarial Robustness"; Tramer et al., NeurIPS 2020, "On \
        Adaptive Attacks to Adversarial Example Defenses"): the attacker knows the published method, \
        g = lambda f + (1 - lambda) f' with f' trained on synthetic people and pushed toward a uniform output on \
        real faces, has white-box access to g and the public faces, and does not know lambda, f, f' or the decoys.

        First it probes g on the public faces, their mirror images, optional generator samples and mixtures (`probe`, a query budget for the \
        trial) and estimates lambda as the median over probes of 1 - K median_k g_k(x): on real faces f' is about \
        uniform and a confident f leaves most classes near 0, so the median class output is about (1 - lambda)/K. \
        The largest confidence seen gives a second, lower bound (max g <= lambda + (1 - lambda)/K on real faces); \
        both are logged. Then it runs the `gradient` attack's search (every `gradient` key applies) with the \
        identity term identity_weight * (g_j(x) - c)^2, c = lambda + (1 - lambda)/K, the probability of class j \
        a real face of person j reaches. The decoy (synthetic person j) gives g_j ~ (1 - lambda) + lambda f_j, above \
        c for lambda < 0.5, so the squared error pushes the search away from it instead of rewarding it. \
        `objective: identity_loss` keeps the gradient attack's term (an attacker that only selects adaptively).

        `select: realism` keeps per identity the restart that the attack's `realism_prior` regularizer scores \
        lowest (most real-looking) instead of the most confident one. The reported `queries` include the probe's, \
        split evenly over the identities. The `adaptive_attack` metric reports the lambda estimate, its error \
        against the defense's true lambda (read for the report only) and the queries. The attack does not split \
        by identity (the probe is shared by the trial).
        """
    public static let example = """
        type: lambda_aware
        objective: level
        probe: {budget: 500}
        optimizer: {type: adam, lr: 0.05}
        iterations: 300
        restarts: 3
        select: realism
        regularizers: [{type: realism_prior, weight: 0.1}, {type: total_variation, weight: 0.01}]
        """

    public let configuration: Configuration
    let components: AttackComponents
    let probeSource: ProbeSource

    public init(configuration: Configuration, context: BuildContext) throws {
        self.configuration = configuration
        var collector = DiagnosticCollector(context)
        let components = collector.attempt { try AttackComponents(configuration.settings, context: context) }
        let probeSource = collector.attempt { try ProbeSource(configuration.probe, attack: Self.id, context: context) }
        guard collector.diagnostics.isEmpty, let components, let probeSource else { throw SpecError(collector.diagnostics) }
        self.components = components
        self.probeSource = probeSource
    }

    public func batchSize(targets: Int) -> Int { targets * configuration.settings.restarts }

    public func prepareShared(against model: any PublishedModel, resources: AttackResources) throws {
        try SearchProblem.prepareShared(configuration.settings, components: components, resources: resources)
    }

    /// The probe of this attack on `model` (public faces only).
    public func probe(_ model: any PublishedModel, resources: AttackResources) throws -> LambdaEstimate {
        try probeSource.run(model, resources: resources).estimate
    }

    public func run(against model: any PublishedModel, resources: AttackResources) throws -> AttackResult {
        let settings = configuration.settings
        guard !resources.targets.isEmpty else { return AttackResultAssembly.empty(model: model, restarts: settings.restarts) }
        let estimate = try probe(model, resources: resources)
        let level = Float(configuration.targetLevel ?? estimate.realFaceLevel)
        resources.environment.progress.log("lambda_aware: \(estimate.summary); target level \(String(format: "%.3f", level))")

        let (problem, start) = try SearchProblem.prepare(settings, components: components, model: model, resources: resources)
        let began = Date()
        let outcome: SearchOutcome
        switch configuration.objective {
        case .level:
            var search = IterativeSearch(problem: problem, settings: settings, optimizer: components.optimizer, queryBudget: nil,
                                         environment: resources.environment, evaluator: LevelEvaluator(problem: problem, level: level))
            outcome = try search.run(from: start)
        case .identityLoss:
            var search = IterativeSearch(problem: problem, settings: settings, optimizer: components.optimizer, queryBudget: nil,
                                         environment: resources.environment, evaluator: AutodiffEvaluator(problem: problem))
            outcome = try search.run(from: start)
        }
        var result = AttackResultAssembly.result(targets: resources.targets, problem: problem, start: start, outcome: outcome,
                                                 seconds: Date().timeIntervalSince(began),
                                                 selection: FinalSelection(configuration: settings.finalSelection, seed: resources.seed))
        if configuration.select == .realism {
            let scores = try realismScores(result.attempts, resources: resources)
            // The search recorded each attempt's whole objective (level or identity loss), so the
            // split of any attempt follows from the totals as in AttackResultAssembly.
            result = result.reselected(lowest: scores, curves: outcome.curves, objective: { rows in
                ObjectiveSplit(start: problem.objectiveTerms(start.gathering(rows: rows), totals: rows.map { outcome.startObjective[$0] }),
                               end: problem.objectiveTerms(outcome.kept.gathering(rows: rows), totals: rows.map { outcome.keptObjective[$0] }))
            }, starts: { rows in problem.decodedImages(start.gathering(rows: rows)).clamped(to: 0...1) })
        }
        result.queries = Self.addingShared(estimate.queries, to: result.queries)
        AdaptiveAttackReports.shared.record(AdaptiveAttackReport(estimate: estimate), for: result)
        return result
    }

    /// The unweighted penalty of the attack's first `realism_prior` regularizer on every attempt.
    func realismScores(_ attempts: Tensor, resources: AttackResources) throws -> [Float] {
        guard var scorer = components.regularizers.first(where: { type(of: $0).id == "realism_prior" }) else {
            throw AttackError("select: realism needs a realism_prior regularizer in the attack")
        }
        try scorer.prepare(resources)
        return attempts.mappingRowChunks(SearchProblem.queryChunk) { scorer.penalty(images: Var(constant: $0), latents: nil).value }.scalars
    }

    /// `perIdentity` plus `shared` queries split as evenly as possible over the identities.
    static func addingShared(_ shared: Int, to perIdentity: [Int]) -> [Int] {
        guard !perIdentity.isEmpty else { return perIdentity }
        let n = perIdentity.count
        return perIdentity.enumerated().map { $0.element + shared / n + ($0.offset < shared % n ? 1 : 0) }
    }
}

/// The white-box evaluator of the level objective: `identity_weight * (g_j(x) - level)^2 + sum_i w_i R_i(x)`.
struct LevelEvaluator: SearchEvaluator {
    let problem: SearchProblem
    let level: Float

    func cost(withGradient: Bool) -> Int { 1 }

    func objective(_ v: Var, targets: [Int]) -> Var {
        let x = problem.images(v)
        let confidence = problem.model.output(x).probabilities.selectingColumns(targets)
        let identity = (confidence - level).squared() * problem.identityWeight
        return problem.regularization(images: x, values: v).map { identity + $0 } ?? identity
    }

    func evaluate(_ values: Tensor, rows: [Int], withGradient: [Bool]) throws -> Evaluation {
        let targets = rows.map { problem.rowTargets[$0] }
        let queries = [Int](repeating: 1, count: rows.count)
        guard withGradient.contains(true) else {
            let value = objective(Var(constant: values), targets: targets).value
            return Evaluation(objective: value.scalars, gradient: nil, confidence: nil, queries: queries)
        }
        let (value, gradient) = valueWithGradient(at: values) { objective($0, targets: targets) }
        return Evaluation(objective: value.scalars, gradient: gradient, confidence: nil, queries: queries)
    }
}
