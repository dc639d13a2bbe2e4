import Foundation
import InvLabIO
import Testing

@Suite("Atomic writes")
struct AtomicFileTests {
    @Test("replaces an existing file and leaves no temporary files behind")
    func replaces() throws {
        let directory = try makeTemporaryDirectory()
        defer { cleanUp(directory) }
        let url = directory.appendingPathComponent("nested/out.txt")
        try AtomicFile.write("first", to: url)
        try AtomicFile.write("second", to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "second")
        let names = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
        #expect(names == ["out.txt"])
    }

    @Test("a failed write leaves the old file untouched")
    func failureKeepsOld() throws {
        let directory = try makeTemporaryDirectory()
        defer { cleanUp(directory) }
        let target = directory.appendingPathComponent("keep")
        try FileManager.default.createDirectory(at: target.appendingPathComponent("inner"), withIntermediateDirectories: true)
        // A directory with contents cannot be replaced by a file: rename fails.
        #expect(throws: (any Error).self) { try AtomicFile.write(Data([1, 2, 3]), to: target) }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(names == ["keep"])
    }
}
