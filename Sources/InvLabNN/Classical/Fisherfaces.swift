import Foundation
import InvLabTensor

/// Fisherfaces (Belhumeur, Hespanha and Kriegman, "Eigenfaces vs. Fisherfaces", TPAMI 1997): a
/// face classifier that shares no gradients with any network. Images are projected onto their
/// principal components (at most N − c of them, so that the within-class scatter is invertible),
/// then onto the c − 1 directions of Fisher's linear discriminant, which maximise between-class
/// over within-class scatter; a face is assigned to the class whose mean is nearest there.
///
/// The discriminant directions solve `S_b w = λ S_w w`. Instead of inverting `S_w`, the PCA
/// space is whitened by `S_w`'s eigendecomposition (`W = V Λ^(-1/2)`, eigenvalues floored at
/// 1e-6 of the largest for the rare singular case) and the symmetric `Wᵀ S_b W` is diagonalised.
public struct Fisherfaces: Sendable {
    /// Mean training image, `[D]`.
    public var mean: Tensor
    /// Projection from centred pixels to discriminant coordinates, `D x m`.
    public var projection: Tensor
    /// Class means in discriminant coordinates, `classes x m`.
    public var classMeans: Tensor
    public var classes: Int
    /// Principal components kept before the discriminant.
    public var principalComponents: Int
    /// Whether each class had training images (the others can never be predicted).
    public var trained: [Bool]

    /// Fits on `images` (`N x ...`, flattened per row) with labels `0..<classes`. `components`
    /// limits the PCA step (default and maximum N − c).
    public static func fit(_ images: Tensor, labels: [Int], classes: Int, components: Int? = nil) throws -> Fisherfaces {
        let n = images.shape[0]
        guard n == labels.count else { throw FitError("fisherfaces: \(labels.count) labels for \(n) images") }
        let present = Set(labels)
        guard present.count >= 2 else { throw FitError("fisherfaces needs images of at least 2 classes, got \(present.count)") }
        guard labels.allSatisfy({ $0 >= 0 && $0 < classes }) else { throw FitError("fisherfaces: labels must lie in 0..<\(classes)") }
        let d = images.count / max(n, 1)
        let rows = images.reshaped([n, d])
        let pcaLimit = max(1, min(components ?? (n - present.count), n - present.count))
        let pca = try PrincipalComponents.fit(rows, limit: pcaLimit, owner: "fisherfaces", what: "private training images")
        let k = pca.directions.shape[0]
        // PCA coordinates of every training image, N x k.
        let centred = rows - pca.mean.reshaped([1, d])
        let coordinates = Tensor.matmul(centred, pca.directions, transposeB: true).scalars

        // Class means and the within- and between-class scatter in PCA coordinates (Double).
        var means = [[Double]](repeating: [Double](repeating: 0, count: k), count: classes)
        var counts = [Int](repeating: 0, count: classes)
        for (row, label) in labels.enumerated() {
            counts[label] += 1
            for j in 0..<k { means[label][j] += Double(coordinates[row * k + j]) }
        }
        for c in 0..<classes where counts[c] > 0 { for j in 0..<k { means[c][j] /= Double(counts[c]) } }
        var within = [Double](repeating: 0, count: k * k), between = [Double](repeating: 0, count: k * k)
        for (row, label) in labels.enumerated() {
            let deviation = (0..<k).map { Double(coordinates[row * k + $0]) - means[label][$0] }
            for a in 0..<k { for b in 0..<k { within[a * k + b] += deviation[a] * deviation[b] } }
        }
        // The PCA coordinates are centred, so the overall mean is 0.
        for c in 0..<classes where counts[c] > 0 {
            for a in 0..<k { for b in 0..<k { between[a * k + b] += Double(counts[c]) * means[c][a] * means[c][b] } }
        }

        guard let (withinValues, withinVectors) = Tensor(shape: [k, k], scalars: within.map(Float.init)).symmetricEigen() else {
            throw FitError("fisherfaces: the eigensolver failed on the within-class scatter")
        }
        let floor = max(withinValues.last ?? 0, 0) * 1e-6
        guard floor > 0 else { throw FitError("fisherfaces: the images of each class are identical; there is no within-class variation") }
        // Whitening W (k x k): column i = v_i / sqrt(λ_i).
        var whitening = [Float](repeating: 0, count: k * k)
        for i in 0..<k {
            let scale = 1 / max(withinValues[i], floor).squareRoot()
            for a in 0..<k { whitening[a * k + i] = withinVectors.scalars[i * k + a] * scale }
        }
        let w = Tensor(shape: [k, k], scalars: whitening)
        let sb = Tensor(shape: [k, k], scalars: between.map(Float.init))
        var whitenedBetween = Tensor.matmul(Tensor.matmul(w, sb, transposeA: true), w)
        // Symmetrise against rounding before the symmetric eigensolver.
        whitenedBetween = (whitenedBetween + whitenedBetween.transposed()) * 0.5
        guard let (_, betweenVectors) = whitenedBetween.symmetricEigen() else {
            throw FitError("fisherfaces: the eigensolver failed on the between-class scatter")
        }
        let m = min(present.count - 1, k)
        // The m largest eigenvalues are the last m rows.
        let top = betweenVectors.gathering(rows: Array(((k - m)..<k).reversed()))   // m x k
        let pcaToFisher = Tensor.matmul(w, top, transposeB: true)                   // k x m
        let projection = Tensor.matmul(pca.directions, pcaToFisher, transposeA: true) // D x m
        let meanTensor = Tensor(shape: [classes, k], scalars: means.flatMap { $0.map(Float.init) })
        let classMeans = Tensor.matmul(meanTensor, pcaToFisher)
        return Fisherfaces(mean: pca.mean, projection: projection, classMeans: classMeans, classes: classes,
                           principalComponents: k, trained: counts.map { $0 > 0 })
    }

    /// Discriminant coordinates of `images` (`N x ...`), `N x m`.
    public func project(_ images: Tensor) -> Tensor {
        let n = images.shape[0]
        let d = mean.count
        return Tensor.matmul(images.reshaped([n, d]) - mean.reshaped([1, d]), projection)
    }

    /// Scores `N x classes`: minus the squared distance to each class mean in discriminant
    /// coordinates (the argmax is the nearest class mean). Classes without training images score −∞.
    public func scores(_ images: Tensor) -> Tensor {
        let n = images.shape[0]
        guard n > 0 else { return Tensor(zeros: [0, classes]) }
        let z = project(images).scalars
        let m = projection.shape[1]
        let centres = classMeans.scalars
        var out = [Float](repeating: 0, count: n * classes)
        for i in 0..<n {
            for c in 0..<classes {
                var total: Float = 0
                for j in 0..<m {
                    let difference = z[i * m + j] - centres[c * m + j]
                    total += difference * difference
                }
                out[i * classes + c] = trained[c] ? -total : -.infinity
            }
        }
        return Tensor(shape: [n, classes], scalars: out)
    }
}
