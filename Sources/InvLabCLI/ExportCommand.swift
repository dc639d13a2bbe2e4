import ArgumentParser
import Foundation
import InvLabCore
import InvLabDummyRecognizer
import InvLabNN
import InvLabONNX

/// `invlab export`.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a run's trained target, evaluator or dummy recognizer as ONNX or safetensors.",
        discussion: """
        The model is found again from the run's spec.resolved.yaml and the model cache the run used
        (INVLAB_CACHE_DIR, else the spec's output.cache, else <output.directory>/.cache; --cache overrides);
        nothing is trained: a model missing from the cache is an error that says which run makes it.

        onnx: opset 17, input `x` [batch, C, H, W], output `logits` [batch, classes], evaluation mode
        (batch norm with its running statistics, no dropout); loads in onnxruntime and torch's ONNX tools.
        safetensors: the tensors under invlab's names, which are those of the equivalent torch.nn.Sequential
        (load with safetensors.torch.load_file and load_state_dict).

        A model imported from ONNX (recognizer type onnx) is written as its own file's graph with the run's
        weights (fine_tune's, or the file's as they are), external data read into the one output file; its
        input and output are the file's, not invlab's [0, 1] images. safetensors: its float initializers under
        their names in the file.

        Examples:
          invlab export runs/quickstart/20261129-101500 --model target --format onnx --out target.onnx
          invlab export runs/dummy/20261129-101500 --model dummy --trial 2 --format safetensors --out dummy.safetensors
        """)

    @Argument(help: "The run directory.")
    var runDirectory: String

    @Option(help: "Which model: target, evaluator or dummy (the dummy_recognizer defense's f').")
    var model: String

    @Option(help: "onnx or safetensors.")
    var format: String

    @Option(help: "The file to write (atomically).")
    var out: String

    @Option(help: "The trial whose models to export (its index in results.csv).")
    var trial = 0

    @Option(help: "The model cache the run used (default: as `invlab run` chooses it).")
    var cache: String?

    @Option(help: "Where datasets are fetched to (default: INVLAB_DATA_DIR, else ./data).")
    var dataDir: String?

    func run() throws {
        let role: ExportedModelRole
        do { role = try ExportedModelRole.parse(model) } catch {
            printError("error: \(error)")
            throw ExitCode(ExitCodes.badSpec)
        }
        guard format == "onnx" || format == "safetensors" else {
            printError("error: unknown --format '\(format)'; expected onnx or safetensors")
            throw ExitCode(ExitCodes.badSpec)
        }
        let directory = URL(fileURLWithPath: runDirectory)
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("run.json").path) else {
            printError("error: \(directory.path) holds no run.json; is it a run directory?")
            throw ExitCode(ExitCodes.badSpec)
        }
        let network: Network
        do {
            network = try RunModels.network(runDirectory: directory, trial: trial, role: role,
                                            registries: try CommandEnvironment.loadRegistries(),
                                            dataDirectory: DataLocation.directory(dataDir),
                                            cacheDirectory: cache.map { URL(fileURLWithPath: $0) },
                                            dummyNetwork: { $0.attachment(DummyRecognizerNetwork.self)?.network })
        } catch let error as RunModelError {
            printError("error: \(error)")
            throw ExitCode(ExitCodes.failure)
        } catch let error as SpecLoadError {
            printError("error: the run's spec.resolved.yaml no longer loads:\n\(error.rendered)")
            throw ExitCode(ExitCodes.badSpec)
        } catch {
            // e.g. the run's dataset is no longer where the run found it (see --data-dir).
            printError("error: cannot rebuild the \(role.rawValue) of trial \(trial) of \(directory.path): \(error)")
            throw ExitCode(ExitCodes.failure)
        }
        let url = URL(fileURLWithPath: out)
        do {
            if format == "onnx" {
                try NetworkExport.writeONNX(network, to: url)
            } else {
                try NetworkExport.writeSafetensors(network, to: url, metadata: ["run": directory.path, "trial": String(trial), "model": role.rawValue])
            }
        } catch {
            printError("error: cannot write \(url.path): \(error)")
            throw ExitCode(ExitCodes.failure)
        }
        let classes = network.outputShape().last ?? 0
        if role == .evaluator && network.name.hasPrefix("target ") {
            print("note: the run's spec has no evaluator: (allow_target_as_evaluator), so the evaluator is the target")
        }
        print("export: \(role.rawValue) of trial \(trial) (network '\(network.name)', \(network.state.parameterCount) parameters, input \(network.inputShape), "
            + "\(classes) classes) written to \(url.path) as \(format)")
    }
}
