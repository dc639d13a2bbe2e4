import Foundation
import InvLabCore
import InvLabSpec

/// The utility side of a defense (the article's Figure 5, "recognition accuracy of g"): the
/// published model's accuracy on the private test split, the undefended model's, and the drop.
public struct RecognitionAccuracyMetric: MetricPlugin {
    public typealias Configuration = NoOptions

    public static let id = "recognition_accuracy"
    public static let summary = "Accuracy on the private test split of the published model, of the undefended model, and the drop."
    public static let documentation = """
        `accuracy` is the share of private test images whose published prediction (`PublishedModel.query`, after \
        every output defense, argmax) is correct; `accuracy_undefended` is the same for the target trained and \
        published without defenses; `accuracy_drop` = accuracy_undefended - accuracy (positive when the defense \
        costs accuracy). All three are NaN (missing) when the test split is empty.
        """
    public static let example = "type: recognition_accuracy"

    public init(configuration: Configuration, context: BuildContext) throws {}

    public var columns: [MetricColumn] { [
        MetricColumn("accuracy", "Published (defended) model's accuracy on the private test split.", perIdentity: false,
                     presentation: ColumnPresentation(plot: .panels([.figure5, .recognition]), summary: true, headlineRank: 1)),
        MetricColumn("accuracy_undefended", "Accuracy of the target without defenses on the private test split.", perIdentity: false,
                     presentation: ColumnPresentation(plot: .panels([.recognition]))),
        MetricColumn("accuracy_drop", "accuracy_undefended minus accuracy.", perIdentity: false,
                     presentation: ColumnPresentation(summary: true)),
    ] }

    public func measure(_ input: MetricInput) throws -> [String: MetricValue] {
        let test = input.data.privateTest
        let published = test.count > 0 ? input.published.accuracy(on: test) : .nan
        let undefended = test.count > 0 ? input.undefended.accuracy(on: test) : .nan
        return [
            "accuracy": .trial(published),
            "accuracy_undefended": .trial(undefended),
            "accuracy_drop": .trial(undefended - published),
        ]
    }
}
