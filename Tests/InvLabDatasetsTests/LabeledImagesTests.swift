import Foundation
import InvLabDatasets
import InvLabTensor
import Testing

/// The labelled image sets that dataset plugins build. (The splits themselves are made by the
/// Core's `DataPreparation`: see `DataSplitTests`.)
@Suite("Labelled image sets")
struct LabeledImagesTests {
    @Test("subsets follow the indices; bad indices and labels are errors that name the source")
    func subsets() throws {
        let set = try LabeledImages(images: Tensor(shape: [5, 1, 1, 1], scalars: [0, 0.25, 0.5, 0.75, 1]),
                                    labels: [0, 0, 1, 1, 1], classNames: ["a", "b"], source: "five pixels")
        let train = try set.subset([1, 3])
        #expect(train.labels == [0, 1] && train.images.shape == [2, 1, 1, 1])
        #expect(train.images.scalars == [0.25, 0.75])
        expectDatasetError("five pixels: index 9 is outside 0..<5") { _ = try set.subset([9]) }
        expectDatasetError("five pixels: label 2 is outside 0..<2 (the number of class names)") {
            _ = try LabeledImages(images: Tensor(shape: [1, 1, 1, 1], scalars: [0]), labels: [2], classNames: ["a", "b"],
                                  source: "five pixels")
        }
    }
}
