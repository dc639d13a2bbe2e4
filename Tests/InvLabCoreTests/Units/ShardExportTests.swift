import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabDummyRecognizer
import InvLabIO
import InvLabNN
import InvLabTensor
import InvLabTestSupport
import Testing

/// Why the onnxruntime half of the sharded-export test cannot run here, or nil.
let onnxRuntimeUnavailable: String? = Python3.unavailableReason(
    importing: ["onnx", "onnxruntime", "numpy"], test: "export from a sharded run",
    install: "`make python-test-deps` (onnx 1.23.2, onnxruntime)")

/// `invlab export` from a run made by two `invlab run --shard K/2` processes (the second merges):
/// the models come out of the cache the shards shared, and the ONNX files load in onnxruntime
/// (through `scripts/onnx_export_check.py`, which also runs onnx.checker) with the logits of the
/// run's networks.
@Suite("invlab export from a sharded run",
       .enabled(if: invlabBinary != nil, "set INVLAB_BINARY to a release invlab (make test does)"),
       .enabled(if: onnxRuntimeUnavailable == nil, "needs python3 with onnx, onnxruntime and numpy"))
struct ShardExportTests {
    static let checkScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/onnx_export_check.py")

    @Test("target and evaluator of trial 0 and f' of trial 1 of a two-shard run export as ONNX that onnxruntime runs with the run's logits")
    func shardedRun() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": shardSpec])
        defer { fixture.remove() }
        for shard in ["1/2", "2/2"] {
            let result = try invlab(["run", "spec.yaml", "--out", "r", "--shard", shard, "--quiet"], in: fixture.directory)
            try #require(result.status == 0, "shard \(shard): \(result.errors)")
        }
        #expect(FileManager.default.fileExists(atPath: fixture.path("r/results.csv")), "the second shard merged the run")
        var generator = SeededGenerator(seed: 9)
        let x = Tensor.uniform([4, 1, 16, 12], low: 0, high: 1, generator: &generator)
        let exports: [(role: ExportedModelRole, trial: Int)] = [(.target, 0), (.evaluator, 0), (.dummy, 1)]
        for (role, trial) in exports {
            let name = "\(role.rawValue)\(trial)"
            let result = try invlab(["export", "r", "--model", role.rawValue, "--trial", String(trial), "--format", "onnx", "--out", "\(name).onnx"],
                                    in: fixture.directory)
            try #require(result.status == 0, "export \(name): \(result.errors)")
            try NPYFile.write(x, to: fixture.directory.appendingPathComponent("\(name)_x.npy"))
        }
        let check = Python3.run([Self.checkScript.path, "onnx", fixture.directory.path] + exports.map { "\($0.role.rawValue)\($0.trial)" })
        try #require(check.status == 0, "onnx_export_check.py: \(check.output)")
        for (role, trial) in exports {
            let network = try RunModels.network(runDirectory: fixture.directory.appendingPathComponent("r"), trial: trial, role: role,
                                                registries: try Builtins.registries(), dataDirectory: fixture.directory.appendingPathComponent("data"),
                                                cacheDirectory: fixture.directory.appendingPathComponent("cache"),
                                                dummyNetwork: { $0.attachment(DummyRecognizerNetwork.self)?.network })
            let expected = network.predict(x)
            let actual = try NPYFile.read(contentsOf: fixture.directory.appendingPathComponent("\(role.rawValue)\(trial)_ort.npy"))
            let error = zip(actual.scalars, expected.scalars).map { abs($0 - $1) }.max()! / expected.scalars.map(abs).max()!
            print("sharded export \(role.rawValue) of trial \(trial): onnxruntime vs invlab relative error \(error)")
            #expect(actual.shape == expected.shape && error <= 1e-5, "\(role) of trial \(trial): relative error \(error)")
        }
    }
}
