import Foundation
import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor

/// Rows of a batch (`N x ...`) as flat vectors, one per image.
func flatRows(_ batch: Tensor) -> [[Float]] {
    let n = batch.rank == 0 ? 0 : batch.shape[0]
    guard n > 0 else { return [] }
    let size = batch.count / n
    let scalars = batch.scalars
    return (0..<n).map { Array(scalars[($0 * size)..<(($0 + 1) * size)]) }
}

/// Squared Euclidean distance of two vectors of equal length, accumulated in Double.
func squaredDistance(_ a: [Float], _ b: [Float]) -> Double {
    var total = 0.0
    for index in a.indices {
        let difference = Double(a[index]) - Double(b[index])
        total += difference * difference
    }
    return total
}

/// The candidate nearest to `query` in squared L2 distance (the first on ties), or nil when
/// there are no candidates.
func nearest(_ query: [Float], among candidates: [[Float]]) -> (index: Int, distance: Double)? {
    var best: (index: Int, distance: Double)?
    for (index, candidate) in candidates.enumerated() {
        let distance = squaredDistance(query, candidate)
        if best == nil || distance < best!.distance { best = (index, distance) }
    }
    return best
}

/// How metrics look at images through the evaluation classifier, in chunks to bound memory.
enum EvaluatorView {
    static let batchSize = 128

    /// Penultimate-layer features (`Network.features`), one flat vector per image.
    static func features(_ network: Network, _ images: Tensor) -> [[Float]] {
        images.shape[0] == 0 ? [] : flatRows(images.mappingRowChunks(batchSize) { network.features(Var(constant: $0)).value })
    }

    /// Logits, one row per image.
    static func logits(_ network: Network, _ images: Tensor) -> [[Float]] {
        images.shape[0] == 0 ? [] : flatRows(network.predict(images, batchSize: batchSize))
    }

    /// The evaluator's predicted class (argmax of the logits, first on ties) per image.
    static func predictions(_ network: Network, _ images: Tensor) -> [Int] {
        images.shape[0] == 0 ? [] : network.predict(images, batchSize: batchSize).argmaxRows()
    }

    /// Share of `labels` the evaluator predicts; NaN for an empty set (a missing value, not 0).
    static func accuracy(_ network: Network, images: Tensor, labels: [Int]) -> Double {
        guard !labels.isEmpty else { return .nan }
        let predicted = predictions(network, images)
        return Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
    }
}

/// Rank of `target` among the logits: how many classes come before it when the classes are
/// sorted by decreasing logit, ties broken by class index (so rank 0 is exactly the argmax with
/// first-on-ties). A non-finite target logit ranks last.
func rank(of target: Int, in logits: [Float]) -> Int {
    guard target >= 0, target < logits.count, logits[target].isFinite else { return logits.count }
    let value = logits[target]
    var ahead = 0
    for (index, logit) in logits.enumerated() where index != target {
        if logit > value || (logit == value && index < target) { ahead += 1 }
    }
    return ahead
}

/// Where a distance is measured: the evaluation classifier's penultimate features, or pixels.
public enum DistanceSpace: String, SpecEnum, Sendable {
    case features, pixels
}

/// Per-image vectors of `images` in the chosen space.
func vectors(_ images: Tensor, space: DistanceSpace, evaluator: Network) -> [[Float]] {
    switch space {
    case .features: return EvaluatorView.features(evaluator, images)
    case .pixels: return flatRows(images)
    }
}

/// The vectors of person `target`'s private training images in `space`: the same in every
/// metric and trial with this evaluator and data, so computed once (`MetricMemo`).
func privateTrainVectors(_ input: MetricInput, of target: Int, space: DistanceSpace) -> [[Float]] {
    input.memo.value("private_train:\(space.rawValue):\(target)") {
        vectors(input.data.privateTrain.images(ofClass: target), space: space, evaluator: input.evaluator)
    }
}
