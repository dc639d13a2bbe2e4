import Foundation
import InvLabTestSupport
import InvLabIO
import InvLabNN
@testable import InvLabONNX
import InvLabTensor
import Testing

/// `NetworkExport`: every classifier architecture invlab trains, written as ONNX, gives the
/// network's own logits when read back by invlab's ONNX loader and, when python3 has
/// onnxruntime, in onnxruntime; the safetensors export loads back with invlab's loader and
/// with `safetensors.torch.load_file`.
@Suite("Export")
struct NetworkExportTests {
    /// The `invlab_torch.build` spec of each network with a PyTorch twin (the architectures of
    /// the recognizer plugins, with the settings used in `networks`).
    static let torchSpecs: [String: String] = [
        "softmax_regression": #"{"type": "softmax_regression"}"#,
        "mlp": #"{"type": "mlp", "hidden": [12, 7], "dropout": 0.3}"#,
        "mlp_sigmoid": #"{"type": "mlp", "hidden": [9], "activation": "sigmoid"}"#,
        "cnn": #"{"type": "cnn", "channels": [4, 3], "kernel": 3, "batch_norm": true, "hidden": [10], "dropout": 0.2}"#,
        "resnet": #"{"type": "resnet", "widths": [4, 6], "blocks_per_stage": 2}"#,
    ]

    /// Tiny instances of each architecture, at a 1 x 8 x 6 grey input with 5 classes
    /// (the CNN and ResNet with batch norm whose statistics are not the identity).
    static let networks: [(name: String, network: Network)] = {
        let shape = [1, 8, 6], classes = 5
        let roots: [(String, Sequential)] = [
            ("softmax_regression", ClassifierArchitectures.softmaxRegression(inputShape: shape, classes: classes)),
            ("mlp", ClassifierArchitectures.mlp(inputShape: shape, hidden: [12, 7], classes: classes, dropout: 0.3)),
            ("mlp_sigmoid", ClassifierArchitectures.mlp(inputShape: shape, hidden: [9], classes: classes, activation: .sigmoid)),
            ("cnn", ClassifierArchitectures.cnn(inputShape: shape, channels: [4, 3], kernel: 3, batchNorm: true, hidden: [10],
                                               classes: classes, dropout: 0.2)),
            ("resnet", ClassifierArchitectures.resnet(inputShape: shape, widths: [4, 6], blocksPerStage: 2, classes: classes)),
            // A target of the MID defense: the head behind a variational bottleneck (its mean in evaluation).
            ("mlp_mid", Sequential([Flatten(), Linear(48, 10), Activation(.relu), VariationalBottleneck(10, bottleneck: 3), Linear(3, classes)])),
        ]
        return roots.enumerated().map { index, entry in
            var network = Network(entry.1, inputShape: shape, seed: UInt64(11 + index), name: entry.0)
            randomizeBatchNorm(&network, seed: UInt64(100 + index))
            return (entry.0, network)
        }
    }()

    /// Gives every batch norm a non-trivial scale, shift and running statistics, so that an
    /// export that ignored any of them would change the logits.
    static func randomizeBatchNorm(_ network: inout Network, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        for name in network.state.parameterNames where name.hasSuffix("weight") || name.hasSuffix("bias") {
            let base = String(name.dropLast(name.hasSuffix("weight") ? 6 : 4))
            guard network.state.buffers[base + "running_mean"] != nil else { continue }
            let shape = network.state.parameters[name]!.shape
            network.state.parameters[name] = Tensor.uniform(shape, low: 0.5, high: 1.5, generator: &generator)
        }
        for name in network.state.bufferNames {
            let shape = network.state.buffers[name]!.shape
            if name.hasSuffix("running_mean") {
                network.state.buffers[name] = Tensor.uniform(shape, low: -0.3, high: 0.3, generator: &generator)
            } else if name.hasSuffix("running_var") {
                network.state.buffers[name] = Tensor.uniform(shape, low: 0.5, high: 2, generator: &generator)
            }
        }
    }

    static func input(_ network: Network, batch: Int = 3) -> Tensor {
        var generator = SeededGenerator(seed: 7)
        return Tensor.uniform([batch] + network.inputShape, low: 0, high: 1, generator: &generator)
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("invlab-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("Each architecture exported to ONNX gives the network's logits in invlab's ONNX executor (relative error <= 1e-5)")
    func roundTripThroughInvlabLoader() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, network) in Self.networks {
            let url = directory.appendingPathComponent("\(name).onnx")
            try NetworkExport.writeONNX(network, to: url)
            let model = try ONNXModel(contentsOf: url.path)
            #expect(model.opset == 17, "\(name): opset")
            #expect(model.inputNames == ["x"] && model.outputNames == ["logits"], "\(name): graph input and output names")
            #expect(model.inputShapes["x"] == [nil] + network.inputShape.map { Optional($0) }, "\(name): free batch dimension")
            for batch in [1, 3] {
                let x = Self.input(network, batch: batch)
                let expected = network.predict(x)
                let actual = try model(Var(constant: x)).value
                let error = ONNXFidelityTests.relativeError(actual, expected)
                print("export \(name) batch \(batch): relative error invlab ONNX executor vs network \(error)")
                #expect(error <= 1e-5, "\(name) at batch \(batch): relative error \(error)")
            }
            for tensorName in network.state.parameterNames + network.state.bufferNames where !tensorName.hasSuffix("num_batches_tracked") {
                let original = network.state.parameters[tensorName] ?? network.state.buffers[tensorName]!
                #expect(model.weight(tensorName)?.scalars == original.scalars, "\(name): initializer '\(tensorName)' under invlab's name")
            }
        }
    }

    @Test("Exported ONNX models pass onnx.checker and give the network's logits in onnxruntime, and the safetensors export in PyTorch (relative error <= 1e-4)",
          .enabled(if: ExportBridge.isAvailable, "needs python3 with onnx, onnxruntime and numpy"))
    func onnxruntimeLogits() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, network) in Self.networks {
            try NetworkExport.writeONNX(network, to: directory.appendingPathComponent("\(name).onnx"))
            try NPYFile.write(Self.input(network, batch: 4), to: directory.appendingPathComponent("\(name)_x.npy"))
            if let spec = Self.torchSpecs[name] {
                try NetworkExport.writeSafetensors(network, to: directory.appendingPathComponent("\(name).safetensors"))
                let config = #"{"spec": \#(spec), "input_shape": \#(network.inputShape), "classes": 5}"#
                try Data(config.utf8).write(to: directory.appendingPathComponent("\(name).json"))
            }
        }
        let result = ExportBridge.run([ExportBridge.script.path, "onnx", directory.path] + Self.networks.map(\.name))
        try #require(result.status == 0, "onnx_export_check.py failed:\n\(result.output)")
        for (name, network) in Self.networks {
            let logits = try NPYFile.read(contentsOf: directory.appendingPathComponent("\(name)_ort.npy"))
            let error = ONNXFidelityTests.relativeError(logits, network.predict(Self.input(network, batch: 4)))
            print("export \(name): relative error onnxruntime vs invlab \(error)")
            #expect(error <= 1e-4, "\(name): onnxruntime logits, relative error \(error)")
            guard Self.torchSpecs[name] != nil else { continue }
            let torchLogits = try NPYFile.read(contentsOf: directory.appendingPathComponent("\(name)_torch.npy"))
            let torchError = ONNXFidelityTests.relativeError(torchLogits, network.predict(Self.input(network, batch: 4)))
            print("export \(name): relative error PyTorch (safetensors, strict load) vs invlab \(torchError)")
            #expect(torchError <= 1e-4, "\(name): PyTorch logits, relative error \(torchError)")
        }
    }

    @Test("The safetensors export holds every tensor under invlab's names and loads back into the architecture")
    func safetensorsRoundTrip() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, network) in Self.networks {
            let url = directory.appendingPathComponent("\(name).safetensors")
            try NetworkExport.writeSafetensors(network, to: url)
            var fresh = Network(network.root, inputShape: network.inputShape, seed: 999, name: name)
            #expect(fresh.state != network.state, "\(name): a fresh network differs before loading")
            try fresh.load(from: url)
            #expect(fresh.state == network.state, "\(name): tensors after loading the export")
            if ExportBridge.isAvailable {
                let result = ExportBridge.run([ExportBridge.script.path, "safetensors", url.path])
                try #require(result.status == 0, "safetensors.torch.load_file failed:\n\(result.output)")
                let listed = Set(result.output.split(separator: "\n").map(String.init))
                let expected = Set(network.state.namedTensors.map { "\($0.name) \($0.tensor.shape)" })
                #expect(listed == expected, "\(name): tensors seen by safetensors.torch")
            }
        }
    }

    @Test("A layer kind without an ONNX mapping is refused with an error naming it")
    func unsupportedLayer() throws {
        let network = Network(Sequential([Upsample(scale: 2), Flatten(), Linear(192, 3)]), inputShape: [1, 8, 6], seed: 1)
        #expect(throws: ONNXError.self) { try NetworkExport.onnxData(network) }
        do {
            _ = try NetworkExport.onnxData(network)
        } catch let error as ONNXError {
            #expect(error.message.hasPrefix("cannot export layer Upsample(2, nearest) (at '0') to ONNX: no ONNX mapping for Upsample;"),
                    "\(error.message)")
        }
    }
}

/// Runs `scripts/onnx_export_check.py` with the machine's `python3` (the convention of
/// `ONNXBridge`: the test is skipped, with the reason printed, when packages are missing).
enum ExportBridge {
    static var script: URL { ONNXBridge.packageRoot.appendingPathComponent("scripts/onnx_export_check.py") }

    static let unavailableReason: String? = Python3.unavailableReason(
        importing: ["onnx", "onnxruntime", "numpy", "torch", "safetensors.torch"], test: "ONNX export check",
        install: "`make python-test-deps`")

    static var isAvailable: Bool {
        if let reason = unavailableReason { print(reason) }
        return unavailableReason == nil
    }

    static func run(_ arguments: [String]) -> (status: Int32, output: String) { ONNXBridge.run(arguments) }
}
