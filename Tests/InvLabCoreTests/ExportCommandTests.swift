import ArgumentParser
import Foundation
import InvLabBuiltins
import InvLabCLI
import InvLabCore
import InvLabDummyRecognizer
import InvLabIO
import InvLabNN
import InvLabONNX
import InvLabTensor
import Testing

/// The tiny spec with a CNN target (batch norm), an MLP evaluator and the dummy defense; two
/// trials whose targets differ (trained for 2 and 1 epochs).
let exportSpec = tiny(replacing: "target: {type: softmax_regression, train: {epochs: 3, batch_size: 4}}",
                      with: "target: {type: cnn, channels: [3], batch_norm: true, hidden: [6], train: {epochs: 2, batch_size: 4}}")
    + "defense: {type: dummy_recognizer, lambda: 0.25, images_per_identity: 2, real_negatives: private_train, recognizer: {type: mlp, hidden: [8], train: {epochs: 1}}}\n"
    + "sweep: {target.train.epochs: [2, 1]}\n"

/// `invlab export` on a finished tiny run: each model comes out of the run's cache (never
/// retrained), the ONNX file gives the network's logits, and every refusal says why.
@Suite("Export command", .serialized)
struct ExportCommandTests {
    static func models(_ fixture: SpecFixture, run: String, role: ExportedModelRole, trial: Int = 0, cache: String? = nil) throws -> Network {
        try RunModels.network(runDirectory: fixture.directory.appendingPathComponent(run), trial: trial, role: role,
                              registries: try Builtins.registries(), dataDirectory: fixture.directory.appendingPathComponent("data"),
                              cacheDirectory: fixture.directory.appendingPathComponent(cache ?? "cache-\(run)"),
                              dummyNetwork: { $0.attachment(DummyRecognizerNetwork.self)?.network })
    }

    static func message(_ body: () throws -> Void) -> String? {
        do { try body() } catch let error as RunModelError { return error.message } catch { return "unexpected \(type(of: error)): \(error)" }
        return nil
    }

    @Test("export writes the target, evaluator and dummy of a finished run as ONNX and safetensors, loaded from its cache")
    func endToEnd() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": exportSpec])
        defer { fixture.remove() }
        let summary = try runSpec(fixture, out: "run")
        #expect(summary.outcomes.count == 2 && summary.outcomes.allSatisfy { $0.status == .completed })
        let runInfo = try text(summary.directory, "run.json")
        let cache = fixture.directory.appendingPathComponent("cache-run")
        let cachedFiles = try FileManager.default.contentsOfDirectory(atPath: cache.path).sorted()

        for role in ExportedModelRole.allCases {
            let network = try Self.models(fixture, run: "run", role: role)
            let onnx = fixture.directory.appendingPathComponent("\(role.rawValue).onnx")
            let safetensors = fixture.directory.appendingPathComponent("\(role.rawValue).safetensors")
            for (format, url) in [("onnx", onnx), ("safetensors", safetensors)] {
                var command = try InvlabCommand.parseAsRoot([
                    "export", summary.directory.path, "--model", role.rawValue, "--format", format, "--out", url.path,
                    "--cache", cache.path, "--data-dir", fixture.directory.appendingPathComponent("data").path,
                ])
                try command.run()
            }
            let model = try ONNXModel(contentsOf: onnx.path)
            var generator = SeededGenerator(seed: 5)
            let x = Tensor.uniform([3] + network.inputShape, low: 0, high: 1, generator: &generator)
            let expected = network.predict(x)
            let actual = try model(Var(constant: x)).value
            let error = zip(actual.scalars, expected.scalars).map { abs($0 - $1) }.max()! / expected.scalars.map(abs).max()!
            #expect(actual.shape == expected.shape && error <= 1e-5, "\(role): ONNX logits, relative error \(error)")
            var loaded = Network(network.root, inputShape: network.inputShape, seed: 77, name: network.name)
            try loaded.load(from: safetensors)
            #expect(loaded.state == network.state, "\(role): safetensors tensors")
        }
        // The dummy is f', not the target; BatchNormalization made it into the target's graph.
        let target = try Self.models(fixture, run: "run", role: .target), dummy = try Self.models(fixture, run: "run", role: .dummy)
        #expect(target.state.parameterNames.contains("1.running_mean") == false && target.state.bufferNames.contains("1.running_mean"))
        #expect(dummy.state.parameterNames == ["1.weight", "1.bias", "3.weight", "3.bias"])
        // --trial picks the trial: trial 1's target was trained for one epoch, not two.
        let secondTarget = try Self.models(fixture, run: "run", role: .target, trial: 1)
        #expect(secondTarget.state.parameterNames == target.state.parameterNames && secondTarget.state != target.state)
        let second = fixture.directory.appendingPathComponent("target-trial1.safetensors")
        var command = try InvlabCommand.parseAsRoot(["export", summary.directory.path, "--model", "target", "--trial", "1", "--format", "safetensors",
                                                     "--out", second.path, "--cache", cache.path,
                                                     "--data-dir", fixture.directory.appendingPathComponent("data").path])
        try command.run()
        var loaded = Network(secondTarget.root, inputShape: secondTarget.inputShape, seed: 78, name: secondTarget.name)
        try loaded.load(from: second)
        #expect(loaded.state == secondTarget.state, "--trial 1 exports trial 1's target")
        // Nothing was trained or computed: the cache holds the same files (and no lock files were
        // added), and the run directory's run.json is untouched.
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path).sorted() == cachedFiles)
        #expect(try text(summary.directory, "run.json") == runInfo)
    }

    @Test("export refuses an unknown run directory, model or trial, a dummy without the defense and a model not in the cache")
    func refusals() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": tinySpec])
        defer { fixture.remove() }
        _ = try runSpec(fixture, out: "run")
        let run = fixture.directory.appendingPathComponent("run").path

        let nowhere = fixture.directory.appendingPathComponent("nowhere").path
        #expect(Self.message { _ = try Self.models(fixture, run: "nowhere", role: .target) }
            == "\(nowhere) holds no run.json; is it a run directory?")
        #expect(Self.message { _ = try ExportedModelRole.parse("judge") } == "unknown --model 'judge'; expected target, evaluator or dummy")
        #expect(Self.message { _ = try Self.models(fixture, run: "run", role: .target, trial: 4) }
            == "the run \(run) has no trial 4; its trials are 0 to 0")
        #expect(Self.message { _ = try Self.models(fixture, run: "run", role: .dummy) }
            == "trial 0 of \(run) has no dummy recognizer: its spec has no dummy_recognizer defense (defenses: none)")

        let empty = fixture.directory.appendingPathComponent("empty-cache")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let missing = try #require(Self.message { _ = try Self.models(fixture, run: "run", role: .target, cache: "empty-cache") })
        #expect(missing.hasPrefix("the model cache \(empty.path) holds no target softmax_regression (key "), "\(missing)")
        #expect(missing.hasSuffix("); the target of trial 0 was never trained with this cache: make it with `invlab run \(run)/spec.resolved.yaml` "
            + "(or `invlab prepare` for a sharded run), or pass --cache with the cache the run used"), "\(missing)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty.path).isEmpty, "a read-only cache writes nothing")

        // The command exits non-zero for each refusal.
        for arguments in [["export", nowhere, "--model", "target", "--format", "onnx", "--out", nowhere + ".onnx"],
                          ["export", run, "--model", "judge", "--format", "onnx", "--out", nowhere + ".onnx"],
                          ["export", run, "--model", "target", "--format", "pt", "--out", nowhere + ".onnx"],
                          ["export", run, "--model", "dummy", "--format", "onnx", "--out", nowhere + ".onnx",
                           "--cache", fixture.directory.appendingPathComponent("cache-run").path]] {
            var command = try InvlabCommand.parseAsRoot(arguments)
            let error = #expect(throws: ExitCode.self, "\(arguments)") { try command.run() }
            #expect(error.map { $0.rawValue != 0 } == true, "\(arguments)")
        }
        #expect(!FileManager.default.fileExists(atPath: nowhere + ".onnx"))
    }
}
