import Foundation
import InvLabBuiltins
import InvLabCore
import Testing

/// Runs a spec in a fixture directory with its own model cache.
func runSpec(_ fixture: SpecFixture, name: String = "spec.yaml", out: String, overrides: [String] = [], resume: Bool = false,
             force: Bool = false, cancelled: @escaping () -> Bool = { false }) throws -> RunSummary {
    let loaded = try fixture.load(name, overrides: overrides)
    var options = RunOptions(dataDirectory: fixture.directory.appendingPathComponent("data"))
    options.outDirectory = fixture.directory.appendingPathComponent(out)
    options.cacheDirectory = fixture.directory.appendingPathComponent("cache-\(out)")
    options.progress = .quiet
    options.resume = resume
    options.force = force
    options.cancelled = cancelled
    return try ExperimentRunner(loaded: loaded, registries: try Builtins.registries(), options: options).run()
}

func text(_ url: URL, _ name: String) throws -> String {
    try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)
}

let sweepSpec = tinySpec + "sweep: {attack.iterations: [2, 3, 4]}\n"

@Suite("Runs: tables, determinism, failures, resume")
struct RunTests {
    @Test("a tiny spec runs end to end and writes the declared files")
    func endToEnd() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": tinySpec])
        defer { fixture.remove() }
        let summary = try runSpec(fixture, out: "run")
        #expect(summary.outcomes.count == 1 && summary.outcomes[0].status == .completed)
        let csv = try text(summary.directory, "results.csv")
        #expect(csv.hasPrefix("trial,status,attack_top1,attack_top1_std,attack_top1_ci_low,attack_top1_ci_high,attack_top5,attack_top5_std,"))
        #expect(!csv.contains("seconds"))
        let targets = try text(summary.directory, "targets.csv").split(separator: "\n")
        #expect(targets.count == 1 + 4)
        for file in ["run.json", "spec.resolved.yaml", "results.jsonl", "results.md", "timings.csv",
                     "trials/0000/grid.png", "trials/0000/reconstructions.npy", "trials/0000/loss_curves.csv"] {
            #expect(FileManager.default.fileExists(atPath: summary.directory.appendingPathComponent(file).path), "\(file)")
        }
        let runInfo = try text(summary.directory, "run.json")
        #expect(runInfo.contains("\"status\": \"completed\""))
        #expect(runInfo.contains("\"blas_kernel\""))
    }

    @Test("the same spec and seed give byte-identical tables")
    func determinism() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": sweepSpec])
        defer { fixture.remove() }
        let first = try runSpec(fixture, out: "a"), second = try runSpec(fixture, out: "b")
        for file in ["results.csv", "targets.csv", "results.md", "trials/0002/reconstructions.npy"] {
            let a = try Data(contentsOf: first.directory.appendingPathComponent(file))
            let b = try Data(contentsOf: second.directory.appendingPathComponent(file))
            #expect(a == b, "\(file) differs between two runs")
        }
    }

    @Test("a diverging trial is marked failed and the sweep goes on")
    func failedTrial() throws {
        let spec = tiny(replacing: "target: {type: softmax_regression, train: {epochs: 3, batch_size: 4}}",
                        with: "target: {type: softmax_regression, train: {epochs: 3, batch_size: 4, optimizer: {type: gradient_descent, lr: 0.5}}}")
            + "sweep: {target.train.optimizer.lr: [0.5, 1.0e+38, 0.25]}\n"
        let fixture = try SpecFixture(files: ["spec.yaml": spec])
        defer { fixture.remove() }
        let summary = try runSpec(fixture, out: "run")
        #expect(summary.outcomes.map(\.status) == [.completed, .failed, .completed])
        let failure = try #require(summary.outcomes[1].error)
        #expect(failure.hasPrefix("models: training target softmax_regression: loss is not finite (NaN or infinity) at step "))
        let csv = try text(summary.directory, "results.csv")
        #expect(csv.contains(",failed,"))
        #expect(try text(summary.directory, "run.json").contains("\"status\": \"completed_with_failures\""))
    }

    @Test("an interrupted sweep resumes to the same tables as an uninterrupted one")
    func resume() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": sweepSpec])
        defer { fixture.remove() }
        let reference = try runSpec(fixture, out: "reference")
        let partialDirectory = fixture.directory.appendingPathComponent("partial")
        // Stop as soon as one trial is recorded.
        let stopAfterFirst = {
            ((try? String(contentsOf: partialDirectory.appendingPathComponent("results.jsonl"), encoding: .utf8)) ?? "")
                .split(separator: "\n").count >= 1
        }
        let interrupted = try runSpec(fixture, out: "partial", cancelled: stopAfterFirst)
        #expect(interrupted.interrupted)
        #expect(interrupted.outcomes.count == 1)
        #expect(try text(partialDirectory, "run.json").contains("\"status\": \"interrupted\""))
        let resumed = try runSpec(fixture, out: "partial", resume: true)
        #expect(!resumed.interrupted && resumed.outcomes.count == 3)
        for file in ["results.csv", "targets.csv"] {
            #expect(try text(resumed.directory, file) == text(reference.directory, file), "\(file)")
        }
    }

    @Test("a run directory is never overwritten silently")
    func outputSafety() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": tinySpec])
        defer { fixture.remove() }
        _ = try runSpec(fixture, out: "run")
        let error = #expect(throws: RunDirectoryError.self) { try runSpec(fixture, out: "run") }
        #expect(error?.message == "\(fixture.directory.path)/run already holds a run; pass --resume to continue it, --force to replace it, or choose another --out")
        #expect(try runSpec(fixture, out: "run", force: true).outcomes.count == 1)
        let resumeMissing = #expect(throws: RunDirectoryError.self) { try runSpec(fixture, out: "elsewhere", resume: true) }
        #expect(resumeMissing?.message.hasSuffix("elsewhere holds no run.json") == true)
    }

    @Test("a stage that cannot fit in memory is refused with the reason")
    func resourceGuard() {
        let error = #expect(throws: ResourceError.self) {
            try ResourceGuard.check("training the target", parts: [("activations", 3 << 30), ("weights", 1 << 20)], available: 1 << 30)
        }
        #expect(error?.message == "training the target needs about 3.0 GiB of memory but only 1.0 GiB is available (largest parts: activations 3.0 GiB, weights 1 MiB); reduce the batch size, the image size (data.image), the number of attacked identities or restarts")
        #expect(throws: Never.self) { try ResourceGuard.check("small", parts: [("x", 1 << 20)], available: 1 << 30) }
    }
}
