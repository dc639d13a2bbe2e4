import Foundation
import InvLabCore
import InvLabDummyRecognizer
import InvLabSpec

/// Whether the dummy-recognizer defense (Kotsuji & Nakamura 2024, the article's equation (3))
/// worked as designed: the attack should converge on the class's synthetic identity, not on the
/// real person.
public struct DecoyRateMetric: MetricPlugin {
    public struct Configuration: SpecConfig {
        public var space = DistanceSpace.features
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("space", \.space, doc: "Where distances are measured: `features` (the evaluation classifier's penultimate layer) or `pixels`."),
        ] }
    }

    public static let id = "decoy_rate"
    public static let summary = "Share of reconstructions closer to their class's decoy (synthetic identity) than to the real person; NaN without decoys."
    public static let documentation = """
        For models whose defense planted decoys (the `DecoyImages` attachment, e.g. `dummy_recognizer`'s), identity j \
        scores 1 when the squared distance from its reconstruction to the nearest decoy image of class j is \
        smaller than to the nearest private training image of j, else 0, so the trial mean is the decoy rate. \
        Distances are in the evaluation classifier's feature space by default. Without decoys (no such \
        defense), or when class j has no decoy or no training image, the value is NaN: a missing value, not 0.
        """
    public static let example = """
        type: decoy_rate
        space: features
        """

    public let space: DistanceSpace

    public init(configuration: Configuration, context: BuildContext) throws {
        space = configuration.space
    }

    public var columns: [MetricColumn] { [
        MetricColumn("decoy_rate", "Share of reconstructions nearer (evaluator features) to their class's decoy than to the real person; empty without decoys.",
                     perIdentity: true,
                     presentation: ColumnPresentation(plot: .panels([.attackSuccess]), summary: true, headlineRank: 2, interval: true)),
    ] }

    public func measure(_ input: MetricInput) throws -> [String: MetricValue] {
        let targets = input.attack.targets
        guard let decoys = input.published.attachment(DecoyImages.self) else {
            return ["decoy_rate": .perIdentity(Array(repeating: .nan, count: targets.count))]
        }
        let reconstructions = vectors(input.attack.reconstructions, space: space, evaluator: input.evaluator)
        let values = targets.enumerated().map { row, target -> Double in
            guard target < decoys.images.count, decoys.images[target].rank >= 1, decoys.images[target].shape[0] > 0 else { return .nan }
            let decoyVectors = vectors(decoys.images[target], space: space, evaluator: input.evaluator)
            let realVectors = privateTrainVectors(input, of: target, space: space)
            guard let toDecoy = nearest(reconstructions[row], among: decoyVectors),
                  let toReal = nearest(reconstructions[row], among: realVectors) else { return .nan }
            return toDecoy.distance < toReal.distance ? 1 : 0
        }
        return ["decoy_rate": .perIdentity(values)]
    }
}
