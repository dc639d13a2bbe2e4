import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabTestSupport
import Testing

/// Why the walkthrough test cannot run here (nil when it can): it needs the ORL faces and PyTorch.
let attackYourOwnModelUnavailable: String? = orlDataDirectory == nil
    ? "run `invlab data fetch orl` (make test does) to run this"
    : Python3.unavailableReason(importing: ["torch", "safetensors", "onnx", "onnxruntime"], test: "the README's 'Attack your own model'",
                                install: "python3 -m pip install torch safetensors onnx onnxruntime (make test does)")

/// The README's "Attack your own model" end to end, shrunk: the spec's data exported, the worked
/// example's PyTorch script trained on it and exported to ONNX, then the spec run against that model
/// undefended and behind both dummy defenses.
@Suite("Attack your own model (Experiments/byo), shrunk", .enabled(if: attackYourOwnModelUnavailable == nil, "\(attackYourOwnModelUnavailable ?? "")"))
struct AttackYourOwnModelTests {
    @Test("data export, the PyTorch training script and the spec work together")
    func walkthrough() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("invlab-byo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = directory.appendingPathComponent("model.onnx"), faces = directory.appendingPathComponent("faces.safetensors")
        let spec = repositoryRoot.appendingPathComponent(byoSpec).path
        // The imported model is not trained by invlab: no `target.train` to shrink.
        let overrides = shrink.filter { !$0.hasPrefix("target.") } + [
            "target.path=\(model.path)", "target.input.size=[28, 23]", "attack.search.generator.components=5",
            "sweep.defense[1]={type: dummy_recognizer, lambda: 0.25, images_per_identity: 2, real_negatives: public_and_private_train, recognizer: {type: mlp, hidden: [8], train: {epochs: 1}}}",
            "sweep.defense[2]={type: dummy_recognizer, lambda: 0.25, images_per_identity: 2, source: {type: pca, components: 5}, recognizer: {type: mlp, hidden: [8], train: {epochs: 1}}}",
        ]
        // Step 1: the data, before the model exists.
        let dataSpec = try SpecLoader.load(file: spec, overrides: overrides, registries: try Builtins.registries(), inputs: .data)
        let data = try DataPreparation.prepareFirstTrial(dataSpec, registries: try Builtins.registries(),
                                                         environment: .ephemeral(dataDirectory: orlDataDirectory!))
        try DataExport.write(data, to: faces)
        // Step 2: the worked example's training script.
        let script = repositoryRoot.appendingPathComponent("Experiments/byo/train_face_classifier.py").path
        let training = Python3.run([script, "--data", faces.path, "--out", model.path, "--epochs", "2", "--width", "4"])
        #expect(training.status == 0, "\(training.output)")
        #expect(training.output.contains("training on 210 faces of 30 people, images (1, 28, 23)"), "\(training.output)")
        #expect(training.output.contains("onnxruntime agrees with PyTorch"), "\(training.output)")
        // Step 3: the spec against that model.
        let out = directory.appendingPathComponent("run")
        let loaded = try SpecLoader.load(file: spec, overrides: overrides, registries: try Builtins.registries())
        var options = RunOptions(dataDirectory: orlDataDirectory!)
        options.outDirectory = out
        options.cacheDirectory = directory.appendingPathComponent("cache")
        options.progress = .quiet
        let summary = try ExperimentRunner(loaded: loaded, registries: try Builtins.registries(), options: options).run()
        #expect(summary.outcomes.map(\.status) == [.completed, .completed, .completed], "\(summary.outcomes.map { $0.error ?? "" })")
        let results = try String(contentsOf: out.appendingPathComponent("results.csv"), encoding: .utf8)
        #expect(results.split(separator: "\n").first?.contains("decoy_rate") == true)
    }
}
