import Foundation
import InvLabCore
import InvLabSpec
import InvLabTensor

/// "KNN Dist" of Zhang et al. (CVPR 2020, Secret Revealer): the squared L2 distance, in the
/// evaluation classifier's feature space, from a reconstruction to the closest private training
/// image of the attacked person. Lower means the reconstruction is closer to a real face.
public struct KNNDistanceMetric: MetricPlugin {
    public struct Configuration: SpecConfig {
        public var space = DistanceSpace.features
        public var pixelDistance = true
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("space", \.space, doc: "`features`: the evaluation classifier's penultimate layer (Zhang et al. 2020); `pixels`: raw pixels in [0, 1]."),
            SpecField("pixel_distance", \.pixelDistance, doc: "With `space: features`, also report the distance in pixels (`knn_distance_pixels`), a space no judge learned."),
        ] }
    }

    public static let id = "knn_distance"
    public static let summary = "Smallest squared L2 distance in evaluator feature space from a reconstruction to the target's private training images."
    public static let documentation = """
        For each attacked identity j: min over private training images x of j of ||phi(x_rec) - phi(x)||^2, with \
        phi the evaluation classifier's penultimate layer (`Network.features`), as the KNN Dist of Zhang et al. \
        2020. Unlike their evaluator (a face network pretrained elsewhere), ours is trained on the private split \
        here, so values compare across trials of one run, not with the paper's numbers. NaN when the identity \
        has no training image. The evaluator's features can be fooled like its verdicts (a perturbation optimised \
        against a similar network moves them too), so `knn_distance_pixels` gives the distance in raw pixels as well, \
        a space no judge learned. Every distance has its baseline: `<column>_start` is the distance of the attack's \
        untouched start image, `<column>_delta` the reconstruction's minus the start's (negative: moved closer).
        """
    public static let example = """
        type: knn_distance
        space: features
        """

    public let space: DistanceSpace
    public let pixelDistance: Bool

    public init(configuration: Configuration, context: BuildContext) throws {
        space = configuration.space
        pixelDistance = configuration.pixelDistance && configuration.space == .features
    }

    /// The spaces measured and their column names.
    var spaces: [(space: DistanceSpace, column: String)] {
        [(space, "knn_distance")] + (pixelDistance ? [(DistanceSpace.pixels, "knn_distance_pixels")] : [])
    }

    public var columns: [MetricColumn] {
        spaces.flatMap { space, column -> [MetricColumn] in
            let what = space == .features ? "in evaluator feature space" : "in pixels"
            return [
                MetricColumn(column, "Squared L2 distance \(what) to the nearest private training image of the target.", perIdentity: true,
                             presentation: ColumnPresentation(summary: space == self.space, headlineRank: space == self.space ? 3 : nil)),
                MetricColumn(column + "_start", "The same distance for the attack's start image (the baseline).", perIdentity: true,
                             presentation: .tableOnly),
                MetricColumn(column + "_delta", "\(column) of the reconstruction minus that of its start image (negative: closer).", perIdentity: true,
                             presentation: .tableOnly),
            ]
        }
    }

    public func measure(_ input: MetricInput) throws -> [String: MetricValue] {
        var values: [String: MetricValue] = [:]
        for (space, column) in spaces {
            let distances = distancesToTarget(input.attack.reconstructions, space: space, input: input)
            values[column] = .perIdentity(distances)
            if let starts = input.attack.starts, starts.shape == input.attack.reconstructions.shape {
                let baseline = distancesToTarget(starts, space: space, input: input)
                values[column + "_start"] = .perIdentity(baseline)
                values[column + "_delta"] = .perIdentity(zip(distances, baseline).map { $0 - $1 })
            } else {
                values[column + "_start"] = .perIdentity(Array(repeating: .nan, count: distances.count))
                values[column + "_delta"] = .perIdentity(Array(repeating: .nan, count: distances.count))
            }
        }
        return values
    }

    /// Per attacked identity, the distance from its image to the nearest private training image of its target.
    func distancesToTarget(_ images: Tensor, space: DistanceSpace, input: MetricInput) -> [Double] {
        let rows = vectors(images, space: space, evaluator: input.evaluator)
        return input.attack.targets.enumerated().map { row, target -> Double in
            nearest(rows[row], among: privateTrainVectors(input, of: target, space: space))?.distance ?? .nan
        }
    }
}
