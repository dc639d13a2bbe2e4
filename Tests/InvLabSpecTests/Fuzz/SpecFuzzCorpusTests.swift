import Foundation
import Testing

/// One file of the spec fuzz corpora in the repository: `Fuzz/seeds/spec/` (specs the fuzzer
/// starts from) or `Fuzz/regression/spec/` (every input that ever crashed, hung or ran out of
/// memory in the `spec` fuzz target; see scripts/fuzz.sh).
struct SpecCorpusFile: Sendable, CustomStringConvertible {
    let isSeed: Bool
    let url: URL

    var description: String { "\(isSeed ? "seeds" : "regression")/spec/\(url.lastPathComponent)" }

    /// The repository's `Fuzz/` folder, found from this source file (Tests/InvLabSpecTests/Fuzz/).
    static let fuzzDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    /// Every file in `Fuzz/<kind>/spec/`, sorted by name (none when the folder is absent).
    static func files(_ kind: String) -> [SpecCorpusFile] {
        let folder = fuzzDirectory.appendingPathComponent(kind).appendingPathComponent("spec")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map {
            SpecCorpusFile(isSeed: kind == "seeds", url: folder.appendingPathComponent($0))
        }
    }

    static let all: [SpecCorpusFile] = files("seeds") + files("regression")
}

/// Replays the spec fuzz corpora through the fuzz target's own entry point
/// (`SpecFuzzHarness.run`): loading, rendering diagnostics, the emitter round trip, decoding,
/// sweeps and overrides. A trap crashes this test process, a broken guarantee is a failure,
/// and every input must be handled quickly. (The fuzz target also decodes the Core's
/// `ExperimentSpec`, which this module cannot see.)
@Suite("Fuzz corpus replay: spec loader")
struct SpecFuzzCorpusTests {
    /// Generous for a debug build; the fuzzer's own limit is 10 s in an optimised build.
    static let timeLimit = Duration.seconds(5)

    @Test("Fuzz/seeds/spec holds seeds")
    func seedsExist() {
        #expect(SpecCorpusFile.files("seeds").count >= 5)
    }

    @Test("seed and regression inputs are loaded or rejected with diagnostics, never a crash",
          arguments: SpecCorpusFile.all)
    func replay(file: SpecCorpusFile) throws {
        let bytes = [UInt8](try Data(contentsOf: file.url))
        let clock = ContinuousClock()
        var outcome: SpecFuzzHarness.Outcome?
        let elapsed = try clock.measure { outcome = try SpecFuzzHarness.run(bytes) }
        #expect(elapsed < Self.timeLimit, "\(file) took \(elapsed)")
        if file.isSeed {
            #expect(outcome == .accepted, "the seed \(file) is not a loadable spec")
        }
    }
}
