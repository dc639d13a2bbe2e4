import Foundation
import InvLabBuiltins
import InvLabCore
import Testing

/// Where `make test` fetched the ORL faces (INVLAB_DATA_DIR), if it did.
let orlDataDirectory: URL? = {
    let directory = URL(fileURLWithPath: ProcessInfo.processInfo.environment["INVLAB_DATA_DIR"] ?? repositoryRoot.appendingPathComponent("data").path)
    return FileManager.default.fileExists(atPath: directory.appendingPathComponent("orl/s40/10.pgm").path) ? directory : nil
}()

/// Settings that shrink any ORL experiment to seconds in a debug build.
let shrink = [
    "data.image={height: 28, width: 23}", "identities=3",
    "target.train.epochs=1", "evaluator.train.epochs=1", "attack.iterations=3",
]

@Suite("Published experiments run with reduced sizes", .enabled(if: orlDataDirectory != nil, "run `invlab data fetch orl` (make test does) to run these"))
struct ExperimentSmokeTests {
    func run(_ spec: String, extra: [String] = []) throws -> RunSummary {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("invlab-smoke-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let loaded = try SpecLoader.load(file: repositoryRoot.appendingPathComponent(spec).path, overrides: shrink + extra,
                                         registries: try Builtins.registries())
        var options = RunOptions(dataDirectory: orlDataDirectory!)
        options.outDirectory = out.appendingPathComponent("run")
        options.cacheDirectory = out.appendingPathComponent("cache")
        options.progress = .quiet
        return try ExperimentRunner(loaded: loaded, registries: try Builtins.registries(), options: options).run()
    }

    @Test("quickstart")
    func quickstart() throws {
        let summary = try run("Experiments/quickstart.yaml", extra: [
            "sweep.defense[1]={type: dummy_recognizer, lambda: 0.25, images_per_identity: 2, real_negatives: public_and_private_train, recognizer: {type: mlp, hidden: [8], train: {epochs: 1}}}",
        ])
        #expect(summary.outcomes.map(\.status) == [.completed, .completed], "\(summary.outcomes.map { $0.error ?? "" })")
    }

    @Test("defense comparison")
    func defenseComparison() throws {
        let summary = try run("Experiments/orl/defense_comparison.yaml", extra: [
            "sweep.defense[1]={type: dummy_recognizer, lambda: 0.25, images_per_identity: 2, source: {type: pca, components: 5}, recognizer: {type: mlp, hidden: [8], train: {epochs: 1}}}",
            "sweep.defense[2]={type: dummy_recognizer, lambda: 0.25, images_per_identity: 2, recognizer: {type: mlp, hidden: [8], train: {epochs: 1}}}",
        ])
        #expect(summary.outcomes.count == 7)
        #expect(summary.outcomes.allSatisfy { $0.status == .completed }, "\(summary.outcomes.map { $0.error ?? "" })")
    }
}
