import InvLabCore
import InvLabSpec
import InvLabTensor

/// The identity term of the attack objective: how far the published output of an image is from
/// "this is person j". Equation (1) of the source article uses the squared error; the later
/// attacks it cites use the other three.
public enum IdentityLoss: String, SpecEnum, Sendable {
    /// `||g(x) - t_j||^2` on the published probabilities (the article's equation (1)).
    case squaredError = "squared_error"
    /// `1 - g_j(x)`, the cost of Fredrikson et al. 2015 (MI-FACE, Algorithm 1).
    case oneMinusConfidence = "one_minus_confidence"
    /// `-log g_j(x)`, computed from the logits when the model publishes them (GMI, Zhang et al. 2020).
    case crossEntropy = "cross_entropy"
    /// `max_{k != j} z_k - z_j` on logits (or log-probabilities): the margin loss of Carlini and
    /// Wagner 2017 without its floor, as later inversion attacks (e.g. PLG-MI) use it.
    case logitMargin = "logit_margin"
    /// `-z_j + w ||z||^2`: LOMMA's logit maximisation (Nguyen et al., CVPR 2023, equation (6)),
    /// raising the target logit itself rather than its softmax share, with the norm term that
    /// keeps it from inflating the whole representation. Departure: the paper's term is
    /// `||phi(x) - p_reg||^2` on penultimate features, which a published model does not expose,
    /// so it is taken on the logit vector (log-probabilities without logits); `w` is the attack's
    /// `logit_norm_weight`.
    case logitMaximisation = "logit_maximisation"

    /// One-line description for documentation.
    public var summary: String {
        switch self {
        case .squaredError: return "||g(x) - t_j||^2 on the published probabilities (the article's equation (1))"
        case .oneMinusConfidence: return "1 - g_j(x) (Fredrikson et al. 2015)"
        case .crossEntropy: return "-log g_j(x), from the logits when the model publishes them"
        case .logitMargin: return "max_{k != j} z_k - z_j on logits, or log-probabilities when only probabilities are published"
        case .logitMaximisation: return "-z_j + logit_norm_weight * ||z||^2 (LOMMA, Nguyen et al. 2023, its feature-norm term taken on the logits)"
        }
    }

    /// The loss of every image of a batch, shape `[N]`; `targets[n]` is the class image `n`
    /// should be recognised as; `normWeight` is the weight of `logit_maximisation`'s norm term
    /// (unused by the others). Differentiable through `output`.
    public func perImage(_ output: ModelOutput, targets: [Int], normWeight: Float = 0) -> Var {
        switch self {
        case .squaredError:
            let classes = output.probabilities.shape.last ?? 0
            let oneHot = Tensor.oneHot(targets, classes: classes)
            return (output.probabilities - oneHot).squared().sum(alongAxes: [1])
        case .oneMinusConfidence:
            return 1 - output.probabilities.selectingColumns(targets)
        case .crossEntropy:
            // log-softmax of log-probabilities is the log-probabilities again (their rows already
            // normalise), so one expression serves both kinds of output.
            return -output.logitsOrLogProbabilities.logSoftmax().selectingColumns(targets)
        case .logitMargin:
            let scores = output.logitsOrLogProbabilities
            return scores.maximumExcludingColumns(targets) - scores.selectingColumns(targets)
        case .logitMaximisation:
            let scores = output.logitsOrLogProbabilities
            return scores.squared().sum(alongAxes: [1]) * normWeight - scores.selectingColumns(targets)
        }
    }
}

extension Var {
    /// Element `columns[n]` of every row `n` of a `N x K` value, shape `[N]`.
    func selectingColumns(_ columns: [Int]) -> Var {
        let (rows, width) = (shape[0], shape[1])
        precondition(columns.count == rows, "one column per row expected")
        let picked = Tensor(shape: [rows], unsafeUninitialized: { out in
            value.withUnsafeBufferPointer { p in
                for n in 0..<rows { out[n] = p[n * width + columns[n]] }
            }
        })
        return Var.record(picked, inputs: [self]) { g in
            var grad = Tensor(zeros: [rows, width])
            grad.withUnsafeMutableBufferPointer { d in
                g.withUnsafeBufferPointer { pg in
                    for n in 0..<rows { d[n * width + columns[n]] = pg[n] }
                }
            }
            return [grad]
        }
    }

    /// The largest element of every row `n` of a `N x K` value outside column `columns[n]`,
    /// shape `[N]`; the gradient goes to the (first) maximising element, like `torch.max`.
    func maximumExcludingColumns(_ columns: [Int]) -> Var {
        let (rows, width) = (shape[0], shape[1])
        precondition(columns.count == rows && width >= 2, "one column per row and two classes or more expected")
        var argmax = [Int](repeating: 0, count: rows)
        let maxima = Tensor(shape: [rows], unsafeUninitialized: { out in
            value.withUnsafeBufferPointer { p in
                for n in 0..<rows {
                    var best = -Float.infinity, bestIndex = columns[n] == 0 ? 1 : 0
                    for k in 0..<width where k != columns[n] && p[n * width + k] > best {
                        best = p[n * width + k]
                        bestIndex = k
                    }
                    out[n] = p[n * width + bestIndex]
                    argmax[n] = bestIndex
                }
            }
        })
        return Var.record(maxima, inputs: [self]) { [argmax] g in
            var grad = Tensor(zeros: [rows, width])
            grad.withUnsafeMutableBufferPointer { d in
                g.withUnsafeBufferPointer { pg in
                    for n in 0..<rows { d[n * width + argmax[n]] = pg[n] }
                }
            }
            return [grad]
        }
    }
}
