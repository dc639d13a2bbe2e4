import Foundation
import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor

/// Fisherfaces as a judge: a classical classifier that shares no gradients with any network.
public struct FisherfacesJudgePlugin: JudgePlugin {
    public struct Configuration: SpecConfig {
        public var name = "fisherfaces"
        public var components: Int? = nil
        public var downsample = 1
        public init() {}
        public static var fields: [SpecField<Self>] { [
            judgeNameField(\.name),
            SpecField("components", \.components, doc: "Principal components kept before the discriminant (default and maximum: training images minus classes).",
                      check: { ($0 ?? 1) >= 1 ? nil : "expected at least 1 component, got \($0 ?? 0)" }),
            SpecField("downsample", \.downsample, doc: "Average-pool images by this factor first.", range: 1...8),
        ] }
    }

    public static let id = "fisherfaces"
    public static let summary = "Fisherfaces (PCA + Fisher's linear discriminant, nearest class mean): a judge that shares no gradients with any network."
    public static let documentation = """
        Belhumeur, Hespanha and Kriegman, "Eigenfaces vs. Fisherfaces" (TPAMI 1997), fitted on the private training \
        split: the images are projected on their first N − c principal components (N images, c classes), then on \
        the c − 1 directions of Fisher's linear discriminant (between- over within-class scatter), and a face is \
        assigned to the nearest class mean there. Its verdicts cannot be moved by perturbations optimised against a \
        network except through what they do to pixels, so it is the panel's judge that fails differently from the \
        networks; being linear, it is weaker on faces in new poses.
        """
    public static let example = """
        type: fisherfaces
        name: fisherfaces
        downsample: 1
        """

    public let configuration: Configuration
    public var name: String { configuration.name }

    public init(configuration: Configuration, context: BuildContext) throws {
        self.configuration = configuration
    }

    public func prepare(_ resources: JudgeResources) throws -> PreparedJudge {
        let train = resources.data.privateTrain
        let images = NetworkJudge.downsampled(train.images, by: configuration.downsample)
        let model: Fisherfaces
        do {
            model = try Fisherfaces.fit(images, labels: train.labels, classes: resources.data.classes, components: configuration.components)
        } catch let error as FitError {
            throw DataError("judge '\(name)': \(error.message)")
        }
        return PreparedJudge(name: name, judge: FisherfacesJudge(model: model, downsample: configuration.downsample), description: .object([
            ("name", .string(name)), ("type", .string(Self.id)), ("source", "fitted on the private training split"),
            ("pca_components", .integer(model.principalComponents)),
            ("discriminant_dimensions", .integer(model.projection.shape[1])), ("downsample", .integer(configuration.downsample)),
        ]))
    }
}

/// A fitted Fisherfaces model as a judge.
struct FisherfacesJudge: Judge {
    let model: Fisherfaces
    let downsample: Int
    func scores(_ images: Tensor) -> Tensor { model.scores(NetworkJudge.downsampled(images, by: downsample)) }
}
