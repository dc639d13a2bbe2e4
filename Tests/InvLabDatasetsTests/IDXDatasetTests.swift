import Foundation
import InvLabDatasets
import InvLabIO
import Testing

@Suite("IDX image/label pairs")
struct IDXDatasetTests {
    private func idx(_ type: UInt8, _ shape: [Int], _ payload: [UInt8]) -> Data {
        var bytes: [UInt8] = [0, 0, type, UInt8(shape.count)]
        for dimension in shape { bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: dimension >> $0) } }
        return Data(bytes + payload)
    }

    @Test("a generated pair loads as [N, 1, H, W] with labels; mismatched counts are errors")
    func pair() throws {
        let directory = try makeScratchDirectory("idx")
        defer { removeTemporary(directory) }
        let images = directory.appendingPathComponent("images-idx3-ubyte.gz")
        let labels = directory.appendingPathComponent("labels-idx1-ubyte")
        try Gzip.compress(idx(0x08, [3, 2, 2], (0..<12).map { UInt8($0 * 20) })).write(to: images)
        try idx(0x08, [3], [2, 0, 1]).write(to: labels)
        let set = try IDXDataset.load(images: images, labels: labels)
        #expect(set.images.shape == [3, 1, 2, 2])
        #expect(set.labels == [2, 0, 1] && set.classNames == ["0", "1", "2"])
        #expect(set.images.scalars[1] == Float(20) / 255)

        try idx(0x08, [2], [0, 1]).write(to: labels)
        expectDatasetError("\(images.path) holds 3 images but \(labels.path) holds 2 labels") {
            _ = try IDXDataset.load(images: images, labels: labels)
        }
    }

    @Test("Fashion-MNIST test split (Debian dataset-fashion-mnist)",
          .enabled(if: FileManager.default.fileExists(atPath: FashionMNIST.debianDirectory.path),
                   "dataset-fashion-mnist is not installed (apt-get install dataset-fashion-mnist)"))
    func fashion() throws {
        let test = try FashionMNIST.load(.test)
        #expect(test.images.shape == [10_000, 1, 28, 28])
        #expect(test.classNames.count == 10 && test.classNames[9] == "Ankle boot")
        #expect((0..<10).allSatisfy { test.indices(ofClass: $0).count == 1000 })
    }
}
