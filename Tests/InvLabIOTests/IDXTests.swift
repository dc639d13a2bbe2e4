import Foundation
import InvLabIO
import InvLabTensor
import Testing

/// IDX bytes: magic `00 00 type rank`, big-endian dimensions, then `payload`.
func idxBytes(type: UInt8, shape: [Int], payload: [UInt8]) -> Data {
    var bytes: [UInt8] = [0, 0, type, UInt8(shape.count)]
    for dimension in shape { bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: dimension >> $0) } }
    return Data(bytes + payload)
}

@Suite("IDX (MNIST format)")
struct IDXTests {
    @Test("ubyte images, raw and gzip, optionally scaled to [0, 1]")
    func images() throws {
        let raw = idxBytes(type: 0x08, shape: [2, 1, 2], payload: [0, 255, 51, 102])
        let tensor = try IDXReader.decodeTensor(raw, path: "img.idx")
        #expect(tensor.shape == [2, 1, 2] && tensor.scalars == [0, 255, 51, 102])
        let scaled = try IDXReader.decodeTensor(try Gzip.compress(raw), path: "img.idx.gz", scaleBytesToUnit: true)
        #expect(scaled.scalars == [0, 1, 0.2, 0.4])
    }

    @Test("labels and every data type")
    func dataTypes() throws {
        let labels = idxBytes(type: 0x08, shape: [3], payload: [7, 0, 9])
        #expect(try IDXReader.decodeLabels(labels, path: "l.idx") == [7, 0, 9])
        #expect(try IDXReader.decodeLabels(idxBytes(type: 0x09, shape: [2], payload: [0xFF, 5]), path: "s") == [-1, 5])
        #expect(try IDXReader.decodeLabels(idxBytes(type: 0x0B, shape: [1], payload: [0xFF, 0xFE]), path: "s") == [-2])
        #expect(try IDXReader.decodeLabels(idxBytes(type: 0x0C, shape: [1], payload: [0, 1, 0, 0]), path: "s") == [65_536])
        let float = idxBytes(type: 0x0D, shape: [1], payload: [0x3F, 0xC0, 0, 0])  // 1.5
        #expect(try IDXReader.decodeTensor(float, path: "f").scalars == [1.5])
        let double = idxBytes(type: 0x0E, shape: [1], payload: [0xC0, 0x04, 0, 0, 0, 0, 0, 0])  // -2.5
        #expect(try IDXReader.decodeTensor(double, path: "d").scalars == [-2.5])
        expectError("f: IDX labels must be integers, file holds float") { _ = try IDXReader.decodeLabels(float, path: "f") }
        expectError("m: IDX labels must be 1-D, file has shape [1, 1]") {
            _ = try IDXReader.decodeLabels(idxBytes(type: 0x08, shape: [1, 1], payload: [1]), path: "m")
        }
    }

    @Test("wrong magic, unknown type, short file, trailing bytes, dimension overflow")
    func errors() throws {
        expectError("train-images: IDX magic number is 0x12345678, expected 0x0000TTNN (two zero bytes, data type TT, "
            + "dimension count NN > 0), e.g. 0x00000803") {
            _ = try IDXReader.decodeTensor(Data([0x12, 0x34, 0x56, 0x78]), path: "train-images")
        }
        expectError("t: IDX data type 0x0a is unknown, expected 0x08 (ubyte), 0x09 (byte), 0x0b (short), 0x0c (int), "
            + "0x0d (float) or 0x0e (double)") {
            _ = try IDXReader.decodeTensor(Data([0, 0, 0x0A, 1, 0, 0, 0, 0]), path: "t")
        }
        let short = idxBytes(type: 0x08, shape: [60_000, 28, 28], payload: [UInt8](repeating: 0, count: 984))
        expectError("train-images-idx3-ubyte: IDX shape [60000, 28, 28] of ubyte: expected 47040016 bytes "
            + "(16 header + 47040000 data), file has 1000") {
            _ = try IDXReader.decodeTensor(short, path: "train-images-idx3-ubyte")
        }
        expectError("long: IDX shape [2] of ubyte: expected 10 bytes (8 header + 2 data), file has 11") {
            _ = try IDXReader.decodeLabels(idxBytes(type: 0x08, shape: [2], payload: [1, 2, 3]), path: "long")
        }
        let huge = idxBytes(type: 0x08, shape: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], payload: [])
        expectError("huge: shape [4294967295, 4294967295, 4294967295] has more elements than an Int can count") {
            _ = try IDXReader.decodeTensor(huge, path: "huge")
        }
        expectError("cut: IDX file is 10 bytes, too short for its 3 dimension sizes (header is 16 bytes)") {
            _ = try IDXReader.decodeTensor(idxBytes(type: 0x08, shape: [1, 2, 3], payload: []).prefix(10), path: "cut")
        }
        expectError("tiny: IDX file is 2 bytes, too short for the 4-byte magic number") {
            _ = try IDXReader.decodeTensor(Data([0, 0]), path: "tiny")
        }
    }

    @Test("Fashion-MNIST test set from Debian's dataset-fashion-mnist",
          .enabled(if: FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"),
                   "dataset-fashion-mnist is not installed (apt-get install dataset-fashion-mnist)"))
    func fashionMNIST() throws {
        let folder = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")
        let labels = try IDXReader.readLabels(contentsOf: folder.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
        #expect(labels.count == 10_000 && Set(labels) == Set(0..<10))
        let images = try IDXReader.readTensor(contentsOf: folder.appendingPathComponent("t10k-images-idx3-ubyte.gz"),
                                              scaleBytesToUnit: true)
        #expect(images.shape == [10_000, 28, 28])
        #expect(images.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
    }
}
