import Foundation
import InvLabSpec

/// A fresh directory under the system temporary directory, holding fixture files written by a
/// test; removed when the test drops it.
final class FixtureDirectory {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("invlab-spec-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `text` to `name` (subdirectories are created) and returns the full path.
    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        write(name, bytes: Array(text.utf8))
    }

    /// Writes raw bytes to `name` and returns the full path.
    @discardableResult
    func write(_ name: String, bytes: [UInt8]) -> String {
        let full = path + "/" + name
        let directory = (full as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: full, contents: Data(bytes))
        return full
    }

    /// `text` with this directory's path replaced by `$DIR`, so expectations stay stable.
    func anonymized(_ text: String) -> String {
        text.replacingOccurrences(of: path, with: "$DIR")
    }
}

/// Parses YAML text held in memory, as the file `name`.
func parseYAML(_ text: String, file name: String = "test.yaml", cache: SourceCache = SourceCache()) throws -> Node {
    try YAMLLoader().parse(text, file: name, cache: cache)
}

/// The rendered diagnostics of `body`'s `SpecError`, or nil if it did not throw one.
func renderedError(cache: SourceCache, _ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let error as SpecError {
        return error.rendered(with: cache)
    } catch {
        return "unexpected error type: \(error)"
    }
}
