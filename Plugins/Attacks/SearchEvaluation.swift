import InvLabCore
import InvLabTensor

/// What evaluating the objective at the current values of some rows gives.
struct Evaluation {
    /// Objective per evaluated row.
    var objective: [Float]
    /// Gradient (or its estimate) of the objective per evaluated row, `[rows] + variableShape`;
    /// nil when no row asked for one. Rows that did not ask are ignored.
    var gradient: Tensor?
    /// The published probability of the row's target class at these values, when the
    /// evaluation queried it (the black-box attack does; the white-box one does not).
    var confidence: [Float]?
    /// Model evaluations (images through the model) spent per evaluated row.
    var queries: [Int]
}

/// How an attack evaluates its objective: by autodiff through the published model, or from
/// queries alone.
protocol SearchEvaluator {
    /// Model evaluations one row costs: with a gradient, and without.
    func cost(withGradient: Bool) -> Int
    /// Evaluates rows `rows` (global row indices) at `values` (`[rows.count] + variableShape`).
    /// `withGradient[j]` says whether row `rows[j]` needs a gradient.
    mutating func evaluate(_ values: Tensor, rows: [Int], withGradient: [Bool]) throws -> Evaluation
}

/// The white-box evaluator: the objective through `PublishedModel.output` and reverse-mode
/// autodiff with respect to the search values (pixels, or latents through the generator). One
/// model evaluation per row and evaluation.
struct AutodiffEvaluator: SearchEvaluator {
    let problem: SearchProblem

    func cost(withGradient: Bool) -> Int { 1 }

    func evaluate(_ values: Tensor, rows: [Int], withGradient: [Bool]) throws -> Evaluation {
        let targets = rows.map { problem.rowTargets[$0] }
        let queries = [Int](repeating: 1, count: rows.count)
        guard withGradient.contains(true) else {
            let value = problem.objective(Var(constant: values), targets: targets).value
            return Evaluation(objective: value.scalars, gradient: nil, confidence: nil, queries: queries)
        }
        let (value, gradient) = valueWithGradient(at: values) { problem.objective($0, targets: targets) }
        return Evaluation(objective: value.scalars, gradient: gradient, confidence: nil, queries: queries)
    }
}
