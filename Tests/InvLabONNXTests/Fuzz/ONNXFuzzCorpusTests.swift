import Foundation
import Testing

/// One file of the `onnx` fuzz corpora in the repository: `Fuzz/seeds/onnx/` (small models the
/// fuzzer starts from; those named `hostile-*` are malformed on purpose and must be refused, or
/// not run for their size) or
/// `Fuzz/regression/onnx/` (every input that ever crashed, hung or ran out of memory in the
/// `onnx` fuzz target; see scripts/fuzz.sh).
struct ONNXCorpusFile: Sendable, CustomStringConvertible {
    let isSeed: Bool
    let url: URL

    var description: String { "\(isSeed ? "seeds" : "regression")/onnx/\(url.lastPathComponent)" }
    var isHostile: Bool { url.lastPathComponent.hasPrefix("hostile-") }

    /// The repository's `Fuzz/` folder, found from this source file (Tests/InvLabONNXTests/Fuzz/).
    static let fuzzDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    /// Every file in `Fuzz/<kind>/onnx/`, sorted by name (none when the folder is absent).
    static func files(_ kind: String) -> [ONNXCorpusFile] {
        let folder = fuzzDirectory.appendingPathComponent(kind).appendingPathComponent("onnx")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map {
            ONNXCorpusFile(isSeed: kind == "seeds", url: folder.appendingPathComponent($0))
        }
    }

    static let all: [ONNXCorpusFile] = files("seeds") + files("regression")
}

/// Replays the `onnx` fuzz corpora through the fuzz target's own entry point
/// (`ONNXFuzzHarness.run`): a loader or operator that traps crashes this test process, a broken
/// guarantee is a failure, and every input must be handled quickly.
@Suite("Fuzz corpus replay: ONNX loader and executor")
struct ONNXFuzzCorpusTests {
    /// Generous for a debug build; the fuzzer's own limit is 10 s in an optimised build.
    static let timeLimit = Duration.seconds(5)

    @Test("Fuzz/seeds/onnx has valid and hostile seeds")
    func seedsExist() {
        let seeds = ONNXCorpusFile.files("seeds")
        #expect(seeds.contains { !$0.isHostile }, "Fuzz/seeds/onnx has no valid model")
        #expect(seeds.contains { $0.isHostile }, "Fuzz/seeds/onnx has no hostile model")
    }

    @Test("seed and regression inputs are run or refused with an ONNXError, never a crash", arguments: ONNXCorpusFile.all)
    func replay(file: ONNXCorpusFile) throws {
        let data = try Data(contentsOf: file.url)
        let clock = ContinuousClock()
        var outcome: ONNXFuzzHarness.Outcome?
        let elapsed = try clock.measure { outcome = try ONNXFuzzHarness.run(data) }
        #expect(elapsed < Self.timeLimit, "\(file) took \(elapsed)")
        guard file.isSeed, let outcome else { return }
        if file.isHostile {
            #expect(outcome != .accepted, "the hostile seed \(file) was run: \(outcome)")
        } else {
            #expect(outcome == .accepted, "the seed \(file) did not run: \(outcome)")
        }
    }
}
