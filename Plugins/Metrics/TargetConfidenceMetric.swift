import Foundation
import InvLabCore
import InvLabSpec

/// The attacked model's own belief in each reconstruction: the published probability of the
/// target class (the quantity `f(x)_j` that equation (1) of the article drives towards 1).
public struct TargetConfidenceMetric: MetricPlugin {
    public typealias Configuration = NoOptions

    public static let id = "target_confidence"
    public static let summary = "The published model's probability of the target class for the selected attempt, per identity."
    public static let documentation = """
        Reads `AttackResult.targetConfidence`: the probability the published model (with every defense) gives \
        the target class on the selected reconstruction. High confidence with low `attack_top1` means the attack \
        fooled the published model without recovering the person (e.g. a decoy of the dummy-recognizer defense).
        """
    public static let example = "type: target_confidence"

    public init(configuration: Configuration, context: BuildContext) throws {}

    public var columns: [MetricColumn] { [
        MetricColumn("target_confidence", "Published model's probability of the target class on the selected reconstruction.", perIdentity: true,
                     presentation: ColumnPresentation(plot: .panels([.targetConfidence]), summary: true)),
    ] }

    public func measure(_ input: MetricInput) throws -> [String: MetricValue] {
        ["target_confidence": .perIdentity(input.attack.targetConfidence.map(Double.init))]
    }
}
