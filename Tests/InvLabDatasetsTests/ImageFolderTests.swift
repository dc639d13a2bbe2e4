import Foundation
import InvLabDatasets
import InvLabIO
import Testing

@Suite("Image folder data sets")
struct ImageFolderTests {
    /// `root/<class>/<file>` with grey PGM and colour PNG files of two sizes, plus hidden clutter.
    private func makeFolder() throws -> URL {
        let root = try makeScratchDirectory("folder")
        let grey = try Image(width: 4, height: 2, channels: 1, pixels: [Float](repeating: 0.4, count: 8))
        let colour = try Image(width: 8, height: 4, channels: 3,
                               pixels: [Float](repeating: 1, count: 32) + [Float](repeating: 0, count: 64))
        try PNMCodec.write(grey, to: root.appendingPathComponent("bob/1.pgm"))
        try PNGCodec.write(colour, to: root.appendingPathComponent("alice/b.png"))
        // A PNG with a misleading extension: the format is sniffed from the bytes.
        try PNGCodec.write(colour, to: root.appendingPathComponent("alice/a.jpg"))
        try Data("junk".utf8).write(to: root.appendingPathComponent("alice/.DS_Store"))
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".cache/x"), withIntermediateDirectories: true)
        return root
    }

    @Test("classes sorted by name, formats sniffed, resized, converted, hidden files ignored")
    func loads() throws {
        let root = try makeFolder()
        defer { removeTemporary(root) }
        let set = try ImageFolderDataset.load(from: root, options: .init(size: (height: 2, width: 4), channels: 1))
        #expect(set.classNames == ["alice", "bob"])
        #expect(set.labels == [0, 0, 1])
        #expect(set.images.shape == [3, 1, 2, 4])
        let red = Float(0.299)  // an all-red image in grey (BT.601)
        #expect(set.image(at: 0)?.pixels.allSatisfy { abs($0 - red) < 1e-5 } == true)
        #expect(set.image(at: 2)?.pixels.allSatisfy { abs($0 - 0.4) < 1e-6 } == true)

        let cropped = try ImageFolderDataset.load(from: root, options: .init(size: (height: 3, width: 3), channels: 3,
                                                                             resizeMode: .centerCropThenResize))
        #expect(cropped.images.shape == [3, 3, 3, 3])
    }

    @Test("errors: no class folders, empty class, undecodable image, mixed sizes without a size")
    func errors() throws {
        let root = try makeScratchDirectory("bad")
        defer { removeTemporary(root) }
        try Data("x".utf8).write(to: root.appendingPathComponent("loose.png"))
        expectDatasetError("image folder \(root.path) has no class sub-folders (expected one folder per identity)") {
            _ = try ImageFolderDataset.load(from: root)
        }
        let empty = root.appendingPathComponent("carol")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        try Data().write(to: empty.appendingPathComponent(".hidden"))
        expectDatasetError("image folder class 'carol' (\(empty.path)) has no images") {
            _ = try ImageFolderDataset.load(from: root)
        }
        let broken = empty.appendingPathComponent("1.png")
        try Data(PNGCodec.signature + [0, 0, 0, 13]).write(to: broken)
        do {
            _ = try ImageFolderDataset.load(from: root)
            Issue.record("expected a decoding error")
        } catch {
            #expect("\(error)".hasPrefix("\(broken.path): cannot read PNG header: "))
        }
        try FileManager.default.removeItem(at: broken)

        let mixed = try makeFolder()
        defer { removeTemporary(mixed) }
        expectDatasetError("\(mixed.path)/bob/1.pgm: image is 4x2 but the first image is 8x4; give a size to resize them") {
            _ = try ImageFolderDataset.load(from: mixed)
        }
    }
}
