import Foundation
import Testing

/// One file of the fuzz corpora in the repository: `Fuzz/seeds/<target>/` (valid files the
/// fuzzer starts from) or `Fuzz/regression/<target>/` (every input that ever crashed, hung or
/// ran out of memory in a fuzz target; see scripts/fuzz.sh).
struct IOCorpusFile: Sendable, CustomStringConvertible {
    let target: String
    let isSeed: Bool
    let url: URL

    var description: String { "\(isSeed ? "seeds" : "regression")/\(target)/\(url.lastPathComponent)" }

    /// The repository's `Fuzz/` folder, found from this source file (Tests/InvLabIOTests/Fuzz/).
    static let fuzzDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    /// Every file in `Fuzz/<kind>/<target>/`, sorted by name (none when the folder is absent).
    static func files(_ kind: String, _ target: String) -> [IOCorpusFile] {
        let folder = fuzzDirectory.appendingPathComponent(kind).appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map {
            IOCorpusFile(target: target, isSeed: kind == "seeds", url: folder.appendingPathComponent($0))
        }
    }

    static let all: [IOCorpusFile] = IOFuzzHarness.targets.flatMap { files("seeds", $0) + files("regression", $0) }
}

/// Replays the fuzz corpora of the file readers through the fuzz targets' own entry point
/// (`IOFuzzHarness.run`): a reader that traps crashes this test process, a broken guarantee is
/// a failure, and every input must be handled quickly.
@Suite("Fuzz corpus replay: file readers")
struct IOFuzzCorpusTests {
    /// Generous for a debug build; the fuzzer's own limit is 10 s in an optimised build.
    static let timeLimit = Duration.seconds(5)

    @Test("every target has seeds in Fuzz/seeds", arguments: IOFuzzHarness.targets)
    func seedsExist(target: String) {
        #expect(!IOCorpusFile.files("seeds", target).isEmpty, "Fuzz/seeds/\(target) is missing or empty")
    }

    @Test("seed and regression inputs are decoded or rejected, never a crash", arguments: IOCorpusFile.all)
    func replay(file: IOCorpusFile) throws {
        let data = try Data(contentsOf: file.url)
        let clock = ContinuousClock()
        var outcome: IOFuzzHarness.Outcome?
        let elapsed = try clock.measure { outcome = try IOFuzzHarness.run(file.target, data) }
        #expect(elapsed < Self.timeLimit, "\(file) took \(elapsed)")
        if file.isSeed {
            #expect(outcome == .accepted, "the seed \(file) is not a valid file: \(String(describing: outcome))")
        }
    }
}
