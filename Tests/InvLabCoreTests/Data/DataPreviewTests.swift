import InvLabCore
import InvLabTensor
import Testing

@Suite struct DataPreviewTests {
    /// Two identities with 3 and 1 images of 1 x 2 x 2, pixel value = 0.1 * (image index + 1).
    static func data() -> ExperimentData {
        let values: [Float] = [0.1, 0.2, 0.3, 0.4]
        var scalars: [Float] = []
        for value in values { scalars += [Float](repeating: value, count: 4) }
        let train = LabeledSet(images: Tensor(shape: [4, 1, 2, 2], scalars: scalars), labels: [0, 0, 0, 1])
        let empty = LabeledSet(images: Tensor(zeros: [0, 1, 2, 2]), labels: [])
        return ExperimentData(imageShape: [1, 2, 2], classNames: ["ann", "bob"], privateTrain: train, privateTest: empty,
                              publicSet: empty, publicClassNames: [], source: "fixture", isSynthetic: true, splitDescription: [:])
    }

    @Test("One row per identity, one column per image; missing images are white")
    func layout() throws {
        let (grid, names) = try DataPreview.grid(Self.data(), split: .privateTrain, identities: 5, images: 2)
        #expect(names == ["ann", "bob"])
        // 2 columns x 2 px + 3 gaps of 2 px; 2 rows likewise.
        #expect(grid.shape == [1, 10, 10])
        let pixel = { (y: Int, x: Int) in grid.scalars[y * 10 + x] }
        #expect(pixel(2, 2) == Float(0.1))   // ann, image 0
        #expect(pixel(2, 6) == Float(0.2))   // ann, image 1 (image 2 not shown: images = 2)
        #expect(pixel(6, 2) == Float(0.4))   // bob, image 0
        #expect(pixel(6, 6) == 1)            // bob has no second image
        #expect(pixel(0, 0) == 1)            // border
    }

    @Test("The number of identities is capped")
    func capped() throws {
        let (grid, names) = try DataPreview.grid(Self.data(), split: .privateTrain, identities: 1, images: 3)
        #expect(names == ["ann"])
        #expect(grid.shape == [1, 6, 14])
    }

    @Test("An empty split is an error that names the split and the choices")
    func emptySplit() {
        let error = #expect(throws: DataError.self) {
            _ = try DataPreview.grid(Self.data(), split: .public, identities: 8, images: 6)
        }
        #expect(error?.message == "the public split of this spec has no images; choose another with --split (private_train, private_test, public)")
    }
}
