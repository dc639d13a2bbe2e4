import Foundation
import InvLabIO
import Testing

@Suite("invlab data preview", .enabled(if: invlabBinary != nil, "set INVLAB_BINARY to a release invlab (make test does)"))
struct DataPreviewCommandTests {
    @Test("Writes a PNG grid of the spec's faces; a bad split exits 64 and writes nothing")
    func preview() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": tinySpec])
        defer { fixture.remove() }
        let directory = fixture.directory
        let status = try InvlabProcess(["data", "preview", "spec.yaml", "--identities", "2", "--images", "3", "--out", "faces.png"],
                                       directory: directory).wait()
        #expect(status == 0)
        let image = try PNGCodec.decode(Data(contentsOf: directory.appendingPathComponent("faces.png")), path: "faces.png")
        #expect(image.height > image.width / 3 && image.height < image.width)  // 2 rows of 3 faces
        let bad = try InvlabProcess(["data", "preview", "spec.yaml", "--split", "validation", "--out", "bad.png"], directory: directory).wait()
        #expect(bad == 64)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("bad.png").path))
    }

    @Test("data fetch goes through the dataset registry: a dataset with nothing to fetch is refused with the fetchable ones")
    func fetchThroughRegistry() throws {
        let fixture = try SpecFixture(files: ["README": "data fetch test"])
        defer { fixture.remove() }
        for name in ["synthetic_faces", "nope"] {
            let (status, errors) = try InvlabProcess(["data", "fetch", name, "--data-dir", "data"], directory: fixture.directory).finish()
            #expect(status == 64)
            #expect(errors.contains("error: '\(name)' is not a dataset that can be fetched; expected one of: orl, mnist5k"), "\(errors)")
        }
    }
}
