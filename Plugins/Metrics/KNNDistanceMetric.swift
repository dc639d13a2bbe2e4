import Foundation
import InvLabCore
import InvLabSpec

/// "KNN Dist" of Zhang et al. (CVPR 2020, Secret Revealer): the squared L2 distance, in the
/// evaluation classifier's feature space, from a reconstruction to the closest private training
/// image of the attacked person. Lower means the reconstruction is closer to a real face.
public struct KNNDistanceMetric: MetricPlugin {
    public struct Configuration: SpecConfig {
        public var space = DistanceSpace.features
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("space", \.space, doc: "`features`: the evaluation classifier's penultimate layer (Zhang et al. 2020); `pixels`: raw pixels in [0, 1]."),
        ] }
    }

    public static let id = "knn_distance"
    public static let summary = "Smallest squared L2 distance in evaluator feature space from a reconstruction to the target's private training images."
    public static let documentation = """
        For each attacked identity j: min over private training images x of j of ||phi(x_rec) - phi(x)||^2, with \
        phi the evaluation classifier's penultimate layer (`Network.features`), as the KNN Dist of Zhang et al. \
        2020. Unlike their evaluator (a face network pretrained elsewhere), ours is trained on the private split \
        here, so values compare across trials of one run, not with the paper's numbers. NaN when the identity \
        has no training image.
        """
    public static let example = """
        type: knn_distance
        space: features
        """

    public let space: DistanceSpace

    public init(configuration: Configuration, context: BuildContext) throws {
        space = configuration.space
    }

    public var columns: [MetricColumn] { [
        MetricColumn("knn_distance", space == .features
                        ? "Squared L2 distance in evaluator feature space to the nearest private training image of the target."
                        : "Squared L2 pixel distance to the nearest private training image of the target.",
                     perIdentity: true),
    ] }

    public func measure(_ input: MetricInput) throws -> [String: MetricValue] {
        let reconstructions = vectors(input.attack.reconstructions, space: space, evaluator: input.evaluator)
        let distances = input.attack.targets.enumerated().map { row, target -> Double in
            let real = privateTrainVectors(input, of: target, space: space)
            return nearest(reconstructions[row], among: real)?.distance ?? .nan
        }
        return ["knn_distance": .perIdentity(distances)]
    }
}
