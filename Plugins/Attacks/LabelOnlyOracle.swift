import InvLabCore
import InvLabTensor

/// The only view of a published model that a label-only attack holds: the predicted class of each
/// image, and a count of the images sent. The model is private, so code given an oracle cannot
/// reach its confidences or gradients; BREP-MI's threat model (Kahla et al., CVPR 2022) as a type.
struct LabelOnlyOracle {
    private let model: any PublishedModel
    /// Images sent so far.
    private(set) var queries = 0

    init(_ model: any PublishedModel) { self.model = model }

    var classes: Int { model.classes }

    /// The published top-1 class of every image of `images` (`N x C x H x W`); costs N queries.
    mutating func labels(_ images: Tensor) -> [Int] {
        queries += images.shape[0]
        return model.predictions(images, batchSize: SearchProblem.queryChunk)
    }
}
