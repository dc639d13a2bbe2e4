import Foundation
import InvLabTensor

/// Principal components of a set of flattened images (eigenfaces, Turk and Pentland 1991).
public struct PrincipalComponents: Sendable {
    /// The mean image, `[D]`.
    public var mean: Tensor
    /// Unit principal directions as rows, `k x D`, by decreasing variance.
    public var directions: Tensor
    /// Sample variance along each direction, `[k]`.
    public var variances: [Float]
    /// Share of the total variance the k directions explain.
    public var explainedVariance: Float

    /// Largest side of the eigenproblem solved (a square matrix of min(N, D) rows).
    public static let largestEigenproblem = 6000

    /// The top `limit` components of `rows` (`N x D`). With N < D it diagonalises the N x N
    /// Gram matrix A Aᵀ of the centred data A (Turk and Pentland's trick): if A Aᵀ v = λ v then
    /// u = Aᵀ v / sqrt(λ) is a unit eigenvector of Aᵀ A with the same λ. Otherwise it
    /// diagonalises the D x D scatter matrix Aᵀ A directly. Directions whose eigenvalue is below
    /// 1e-6 of the largest are dropped (the centred data spans at most N - 1 directions).
    /// `owner` and `what` name the caller and its images in error messages ("pca", "public images").
    public static func fit(_ rows: Tensor, limit: Int, owner: String = "pca", what: String = "public images") throws -> PrincipalComponents {
        let (n, d) = (rows.shape[0], rows.shape[1])
        guard n >= 2 else { throw FitError("\(owner) needs at least 2 \(what), got \(n)") }
        guard min(n, d) <= largestEigenproblem else {
            throw FitError("\(owner): \(n) \(what) of \(d) pixels need a \(min(n, d))x\(min(n, d)) eigenproblem; "
                                    + "at most \(largestEigenproblem) is supported (use fewer \(what) or a smaller image size)")
        }
        let mean = rows.sum(alongAxis: 0) * (1 / Float(n))
        let centred = rows - mean.reshaped([1, d])
        let useGram = n < d
        let matrix = useGram ? Tensor.matmul(centred, centred, transposeB: true) : Tensor.matmul(centred, centred, transposeA: true)
        guard let (values, vectors) = matrix.symmetricEigen() else {
            throw FitError("\(owner): the eigensolver failed (are the \(what) finite?)")
        }
        let total = values.reduce(0) { $0 + max($1, 0) }
        let largest = values.last ?? 0
        let kept = Array(values.indices.reversed().filter { values[$0] > 1e-6 * largest && values[$0] > 0 }.prefix(limit))
        guard !kept.isEmpty else { throw FitError("\(owner): the \(what) are all identical; there is no variation to model") }
        let selected = vectors.gathering(rows: kept)
        var directions = useGram ? Tensor.matmul(selected, centred) : selected
        if useGram {
            let scales = Tensor(shape: [kept.count, 1], scalars: kept.map { 1 / values[$0].squareRoot() })
            directions = directions * scales
        }
        let variances = kept.map { values[$0] / Float(n - 1) }
        let explained = total > 0 ? kept.reduce(0) { $0 + values[$1] } / total : 1
        return PrincipalComponents(mean: mean, directions: directions, variances: variances, explainedVariance: explained)
    }
}

/// A statistical model could not be fitted to its data (too few images, a failed eigensolver).
public struct FitError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
