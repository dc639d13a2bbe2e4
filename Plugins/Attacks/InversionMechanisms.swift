import InvLabCore
import InvLabTensor

/// PLG-MI's pseudo-labels (Yuan et al., AAAI 2023, Section 3.1, "top-n selection"): for every
/// class of the target, the public images the target is most confident belong to it.
public enum PseudoLabels {
    /// Per class `k` of the `N x K` probability matrix, the indices of the `topK` images with the
    /// highest probability of `k`, highest first; ties go to the lower index. An image may be
    /// chosen by several classes (it is then a training image of each).
    public static func select(confidences: Tensor, topK: Int) -> [[Int]] {
        precondition(confidences.rank == 2, "pseudo-labels: an N x K probability matrix")
        let (n, k) = (confidences.shape[0], confidences.shape[1])
        let values = confidences.scalars
        return (0..<k).map { c in
            let order = (0..<n).sorted { a, b in
                let (pa, pb) = (values[a * k + c], values[b * k + c])
                return pa != pb ? pa > pb : a < b
            }
            return Array(order.prefix(topK))
        }
    }

    /// The training set of the selection: image indices and their classes, class-major.
    public static func trainingRows(_ selection: [[Int]]) -> (images: [Int], classes: [Int]) {
        let pairs = selection.enumerated().flatMap { c, rows in rows.map { ($0, c) } }
        return (pairs.map(\.0), pairs.map(\.1))
    }
}

/// PLG-MI's max-margin identity loss (Yuan et al., AAAI 2023, eq. 8, after Carlini and Wagner):
/// `L(x, y) = -l_y(x) + max_{j != y} l_j(x)` on the target's logits, which keeps pushing the target
/// logit above every other one instead of saturating like cross-entropy.
public enum MaxMarginLoss {
    /// The loss of every row (shape `[N]`); its gradient is `-1` at `y` and `+1` at the
    /// strongest other class (the first on ties).
    public static func perRow(logits: Var, targets: [Int]) -> Var {
        let (n, k) = (logits.shape[0], logits.shape[1])
        precondition(targets.count == n && k > 1, "max-margin loss: one target per row and at least two classes")
        let values = logits.value.scalars
        var direction = [Float](repeating: 0, count: n * k)
        for row in 0..<n {
            let y = targets[row]
            var rival = y == 0 ? 1 : 0
            for j in 0..<k where j != y && values[row * k + j] > values[row * k + rival] { rival = j }
            direction[row * k + y] = -1
            direction[row * k + rival] = 1
        }
        return (logits * Tensor(shape: [n, k], scalars: direction)).sumPerSample()
    }
}

/// KEDMI's latent distribution per identity (Chen et al., ICCV 2021, Section 3.2): a Gaussian
/// `N(mu, diag(sigma^2))` searched through the reparameterisation `z = mu + sigma * eps`,
/// `sigma = exp(logStd)`, so that the loss of samples is differentiable in `mu` and `logStd`.
public enum ReparameterisedLatent {
    /// Latent codes for rows of `noise` (`R x d`, standard normal), row `r` from the distribution
    /// of identity `identities[r]` (rows of `mean` and `logStd`, `I x d`).
    public static func sample(mean: Var, logStd: Var, noise: Tensor, identities: [Int]) -> Var {
        mean.gathering(rows: identities) + logStd.gathering(rows: identities).exp() * Var(constant: noise)
    }
}
