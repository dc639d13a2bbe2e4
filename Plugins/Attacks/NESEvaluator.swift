import InvLabCore
import InvLabTensor

/// The black-box evaluator: the identity term from `PublishedModel.query` alone, its gradient
/// estimated by natural evolution strategies with antithetic Gaussian sampling (Wierstra et al.
/// 2014; Ilyas et al. 2018, "Black-box Adversarial Attacks with Limited Queries and Information"):
///
///     grad f(v) ~ 1/(n sigma) sum_{i=1..n} f(v + sigma u_i) u_i,   u_i ~ N(0, I),  u_{n/2+i} = -u_i
///
/// `n = samples` queries per estimate, plus one query of `v` itself for the objective, the
/// stopping rule and the kept attempt's confidence. In pixel search perturbed images are clipped
/// to the projection range (an API takes valid images only); `u` is not, so the estimate is of
/// the clipped objective's smoothed gradient. Regularizers never query the model, so their
/// gradient is exact, by autodiff on the attacker's own computation (through the generator in
/// latent search).
struct NESEvaluator: SearchEvaluator {
    let problem: SearchProblem
    /// Queries per gradient estimate (even: antithetic pairs).
    let samples: Int
    let sigma: Float
    var random: SeededGenerator

    func cost(withGradient: Bool) -> Int { withGradient ? samples + 1 : 1 }

    mutating func evaluate(_ values: Tensor, rows: [Int], withGradient: [Bool]) throws -> Evaluation {
        let count = rows.count
        let size = values.elementsPerRow
        let pairs = samples / 2
        let estimated = withGradient.indices.filter { withGradient[$0] }
        // Directions: `pairs` per row that needs a gradient, shape [estimated * pairs, size].
        let directions = Tensor.standardNormals([estimated.count * pairs, size], generator: &random)

        // One batch: the rows themselves, then every row's + and - perturbations; in a pixel
        // search each value is projected to the image bounds as it is written (one pass).
        let (low, high) = !problem.isLatent ? problem.bounds.map { ($0.lowerBound, $0.upperBound) } ?? (-Float.infinity, Float.infinity)
                                            : (-Float.infinity, Float.infinity)
        let batch = Tensor(shape: [count + 2 * estimated.count * pairs] + problem.variableShape, unsafeUninitialized: { out in
            values.withUnsafeBufferPointer { v in
                directions.withUnsafeBufferPointer { u in
                    for i in 0..<(count * size) { out[i] = Swift.min(Swift.max(v[i], low), high) }
                    var plus = count * size
                    var minus = (count + estimated.count * pairs) * size
                    for (e, j) in estimated.enumerated() {
                        for p in 0..<pairs {
                            let direction = (e * pairs + p) * size
                            for i in 0..<size {
                                out[plus + i] = Swift.min(Swift.max(v[j * size + i] + sigma * u[direction + i], low), high)
                                out[minus + i] = Swift.min(Swift.max(v[j * size + i] - sigma * u[direction + i], low), high)
                            }
                            plus += size
                            minus += size
                        }
                    }
                }
            }
        })
        let images = problem.decodedImages(batch)
        let probabilities = problem.query(images)
        let imageTargets = rows.map { problem.rowTargets[$0] }
            + (0..<2).flatMap { _ in estimated.flatMap { Array(repeating: problem.rowTargets[rows[$0]], count: pairs) } }
        let losses = problem.identityLoss.perImage(ModelOutput(probabilities: Var(constant: probabilities), logits: nil),
                                                   targets: imageTargets, normWeight: problem.logitNormWeight).value.scalars
        let classes = probabilities.shape[1]
        let confidence = (0..<count).map { probabilities.scalars[$0 * classes + imageTargets[$0]] }

        // Identity term and its estimated gradient, weighted.
        let weight = problem.identityWeight
        var objective = (0..<count).map { weight * losses[$0] }
        var gradient: Tensor? = estimated.isEmpty ? nil : Tensor(zeros: values.shape)
        if !estimated.isEmpty {
            let scale = weight / (Float(2 * pairs) * sigma)
            gradient!.withUnsafeMutableBufferPointer { g in
                directions.withUnsafeBufferPointer { u in
                    for (e, j) in estimated.enumerated() {
                        for p in 0..<pairs {
                            let difference = losses[count + e * pairs + p] - losses[count + (estimated.count + e) * pairs + p]
                            let factor = scale * difference
                            let direction = (e * pairs + p) * size
                            for i in 0..<size { g[j * size + i] += factor * u[direction + i] }
                        }
                    }
                }
            }
        }

        // Regularizers: exact values and gradients, no model query.
        if !problem.regularizers.isEmpty {
            let (penalty, penaltyGradient) = valueWithGradient(at: values) { v in
                problem.regularization(images: problem.images(v), values: v)!
            }
            for j in 0..<count { objective[j] += penalty.scalars[j] }
            if gradient != nil { gradient!.add(penaltyGradient) }
        }
        let queries = withGradient.map { cost(withGradient: $0) }
        return Evaluation(objective: objective, gradient: gradient, confidence: confidence, queries: queries)
    }
}
