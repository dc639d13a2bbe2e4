import Foundation
import InvLabCore
import InvLabNN
import InvLabTensor

/// What the descent leaves per row (attempt): the kept iterate and the bookkeeping of results.
struct SearchOutcome {
    /// The kept search values per row: the lowest-objective iterate (`keep_best`) or the last.
    var kept: Tensor
    /// The published target probability at the kept iterate, where the evaluator queried it.
    var keptConfidence: [Float?]
    var curves: [[Float]]
    var curveSteps: [Int]
    /// Descent steps each row ran (fewer than `iterations` when it stopped early).
    var iterations: [Int]
    /// Model evaluations each row spent.
    var queries: [Int]
    /// The objective each row started from, and at its kept values (NaN when never evaluated).
    var startObjective: [Float]
    var keptObjective: [Float]
}

/// Equation (2) of the source article on a batch of attempts at once:
/// `v_(t+1) = P(v_t - alpha_t * grad L(v_t))`, with the optimizer plugin's update rule and
/// schedule, `P` the projection into the pixel range or the latent bounds.
///
/// Every attempt of every identity is one row of a single batch; the objectives are summed, so
/// each row's gradient is its own objective's gradient. Rows that stop (Fredrikson et al. 2015's
/// rule, or a spent query budget) are frozen: their gradient is zeroed, their values restored
/// after each update (so optimizer momentum cannot move them) and they are no longer evaluated.
struct IterativeSearch<Evaluator: SearchEvaluator> {
    let problem: SearchProblem
    let settings: AttackSettings
    let optimizer: any OptimizerPlugin
    /// Model evaluations allowed per identity, all attempts together (nil: no limit).
    let queryBudget: Int?
    let environment: RunEnvironment
    var evaluator: Evaluator

    // Per-row state.
    private var values = Tensor(zeros: [0])
    private var gradient = Tensor(zeros: [0])
    private var active: [Bool] = []
    private var history: [[Float]] = []
    private var best: [Float] = []
    private var kept = Tensor(zeros: [0])
    private var keptConfidence: [Float?] = []
    private var latestConfidence: [Float?] = []
    private var iterations: [Int] = []
    private var queries: [Int] = []
    private var curves: [[Float]] = []
    private var curveSteps: [Int] = []

    init(problem: SearchProblem, settings: AttackSettings, optimizer: any OptimizerPlugin, queryBudget: Int?,
         environment: RunEnvironment, evaluator: Evaluator) {
        self.problem = problem
        self.settings = settings
        self.optimizer = optimizer
        self.queryBudget = queryBudget
        self.environment = environment
        self.evaluator = evaluator
    }

    /// Runs the descent from `start` (`rows x variableShape`).
    mutating func run(from start: Tensor) throws -> SearchOutcome {
        let rows = problem.rows
        let total = settings.iterations
        values = start
        kept = start
        gradient = Tensor(zeros: start.shape)
        active = Array(repeating: true, count: rows)
        history = Array(repeating: [], count: rows)
        best = Array(repeating: .infinity, count: rows)
        keptConfidence = Array(repeating: nil, count: rows)
        latestConfidence = Array(repeating: nil, count: rows)
        iterations = Array(repeating: 0, count: rows)
        queries = Array(repeating: 0, count: rows)
        curves = Array(repeating: [], count: rows)
        curveSteps = []
        guard rows > 0 else { return outcome() }

        let stage = environment.progress.stage("attack", total: total)
        let reportsProgress = environment.progress.style != .quiet
        var update = optimizer.makeOptimizer()
        let (all, gradients) = plan(step: 0)
        guard all.count == rows else {
            throw AttackError("the query budget does not cover evaluating every attempt's start with its gradient estimate")
        }
        try evaluate(all, withGradient: gradients, step: 0)
        sampleCurves(step: 0)
        var lastStep = 0
        for step in 1...total {
            if environment.isCancelled { throw RunCancelled() }
            let (evaluating, withGradient) = plan(step: step)
            if evaluating.isEmpty { break }

            update.learningRate = optimizer.schedule.rate(base: optimizer.learningRate, step: step - 1)
            // Frozen rows are saved and restored around the update, which runs in place.
            let frozen = (0..<rows).filter { !active[$0] }
            let saved = frozen.isEmpty ? nil : values.gathering(rows: frozen)
            var parameters = [values]
            values = Tensor(zeros: [0])
            update.update(&parameters, gradients: [gradient])
            values = parameters.removeLast()
            if let saved {
                for (j, row) in frozen.enumerated() { values.copyRow(row, from: saved, row: j) }
            }
            if let bounds = problem.bounds { values.clamp(to: bounds) }
            guard values.isFinite else {
                throw NumericalFault(stage: "attack", step: step, quantity: problem.isLatent ? "latent code" : "image")
            }

            try evaluate(evaluating, withGradient: withGradient, step: step)
            for row in evaluating { iterations[row] = step }
            applyEarlyStopping(evaluating, step: step)
            lastStep = step
            if step % settings.curveEvery == 0 || step == total { sampleCurves(step: step) }
            if reportsProgress { stage.update(step, detail: progressDetail()) }
        }
        if curveSteps.last != lastStep { sampleCurves(step: lastStep) }
        if reportsProgress { stage.finish(progressDetail()) }
        if !settings.keepBest {
            kept = values
            keptConfidence = latestConfidence
        }
        return outcome()
    }

    private func outcome() -> SearchOutcome {
        SearchOutcome(kept: kept, keptConfidence: keptConfidence, curves: curves, curveSteps: curveSteps,
                      iterations: iterations, queries: queries,
                      startObjective: history.map { $0.first ?? .nan },
                      keptObjective: history.indices.map { row in settings.keepBest ? (best[row].isFinite ? best[row] : .nan) : (history[row].last ?? .nan) })
    }

    /// The rows to evaluate at `step` and whether each needs a gradient. Under a query budget,
    /// an identity whose attempts cannot all afford another evaluation is frozen, and a gradient
    /// is only requested when the identity could also afford evaluating the step it leads to.
    private mutating func plan(step: Int) -> (rows: [Int], withGradient: [Bool]) {
        let wantsGradient = step < settings.iterations
        var rows: [Int] = [], withGradient: [Bool] = []
        let k = problem.restarts
        for identity in 0..<(problem.rows / k) {
            let attempts = (identity * k)..<((identity + 1) * k)
            let running = attempts.filter { active[$0] }
            guard !running.isEmpty else { continue }
            var gradientAffordable = wantsGradient
            if let budget = queryBudget {
                let spent = attempts.reduce(0) { $0 + queries[$1] }
                let plain = evaluator.cost(withGradient: false) * running.count
                let full = evaluator.cost(withGradient: true) * running.count
                if spent + plain > budget {
                    for row in running { freeze(row) }
                    continue
                }
                gradientAffordable = wantsGradient && spent + full + plain <= budget
            }
            rows += running
            withGradient += Array(repeating: gradientAffordable, count: running.count)
        }
        return (rows, withGradient)
    }

    private mutating func freeze(_ row: Int) {
        active[row] = false
        gradient.zeroRow(row)
    }

    /// Evaluates `rows` at the current values and records objective, gradient, queries and the
    /// best iterate.
    private mutating func evaluate(_ rows: [Int], withGradient: [Bool], step: Int) throws {
        let subset = rows.count == problem.rows ? values : values.gathering(rows: rows)
        let result = try evaluator.evaluate(subset, rows: rows, withGradient: withGradient)
        guard result.objective.allSatisfy(\.isFinite) else {
            throw NumericalFault(stage: "attack", step: step, quantity: "loss")
        }
        if let estimate = result.gradient, !estimate.isFinite {
            throw NumericalFault(stage: "attack", step: step, quantity: "gradient")
        }
        if let estimate = result.gradient, rows.count == problem.rows, !withGradient.contains(false) {
            gradient = estimate
        } else {
            for (j, row) in rows.enumerated() {
                if withGradient[j], let estimate = result.gradient {
                    gradient.copyRow(row, from: estimate, row: j)
                } else {
                    gradient.zeroRow(row)
                }
            }
        }
        for (j, row) in rows.enumerated() {
            let objective = result.objective[j]
            history[row].append(objective)
            queries[row] += result.queries[j]
            latestConfidence[row] = result.confidence?[j]
            if settings.keepBest && objective < best[row] {
                best[row] = objective
                kept.copyRow(row, from: values, row: row)
                keptConfidence[row] = result.confidence?[j]
            }
            // Without a gradient the row cannot move again (last step, or budget spent).
            if !withGradient[j] { freeze(row) }
        }
    }

    /// Fredrikson et al. 2015, Algorithm 1: after step i, stop when `c(x_i) <= gamma`, or when
    /// `c(x_i) >= max(c(x_(i-1)), ..., c(x_(i-beta)))` (from step beta on, when beta earlier
    /// values exist).
    private mutating func applyEarlyStopping(_ rows: [Int], step: Int) {
        guard let rule = settings.earlyStopping else { return }
        for row in rows {
            let costs = history[row]
            let current = costs[costs.count - 1]
            var stop = false
            if let threshold = rule.threshold, Double(current) <= threshold { stop = true }
            if costs.count > rule.window, let worst = costs[(costs.count - 1 - rule.window)..<(costs.count - 1)].max(),
               current >= worst {
                stop = true
            }
            if stop { freeze(row) }
        }
    }

    private mutating func sampleCurves(step: Int) {
        curveSteps.append(step)
        for row in 0..<problem.rows { curves[row].append(history[row].last ?? .nan) }
    }

    private func progressDetail() -> String {
        let current = (0..<problem.rows).filter { active[$0] }.compactMap { history[$0].last }
        let running = "\(current.count)/\(problem.rows) attempts running"
        guard !current.isEmpty else { return running }
        return String(format: "objective %.4g, ", current.reduce(0, +) / Float(current.count)) + running
    }
}

extension IterativeSearch {
    /// A whole attack on `resources.targets`: the search problem and its starts, the iterative
    /// search with the evaluator `makeEvaluator` builds (exact gradients or estimates), and the
    /// result with its wall time. The gradient and the query attack differ only in the evaluator
    /// and the query budget.
    static func attack(_ settings: AttackSettings, components: AttackComponents, model: any PublishedModel, resources: AttackResources,
                       queryBudget: Int?, makeEvaluator: (SearchProblem) -> Evaluator) throws -> AttackResult {
        guard !resources.targets.isEmpty else { return AttackResultAssembly.empty(model: model, restarts: settings.restarts) }
        let (problem, start) = try SearchProblem.prepare(settings, components: components, model: model, resources: resources)
        let began = Date()
        var search = IterativeSearch(problem: problem, settings: settings, optimizer: components.optimizer, queryBudget: queryBudget,
                                     environment: resources.environment, evaluator: makeEvaluator(problem))
        let outcome = try search.run(from: start)
        return AttackResultAssembly.result(targets: resources.targets, problem: problem, start: start, outcome: outcome,
                                           seconds: Date().timeIntervalSince(began),
                                           selection: FinalSelection(configuration: settings.finalSelection, seed: resources.seed))
    }
}
