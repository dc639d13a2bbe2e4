import Foundation
import InvLabIO
import InvLabJSON
import InvLabNN
import InvLabTensor
import Testing

/// Weight files and numerics agree with PyTorch (`scripts/invlab_torch.py` builds the same
/// modules): a model initialised and saved by PyTorch loads into the matching `Network` and gives
/// the same logits and the same input gradient of the MI-FACE objective; a file saved by the
/// engine loads into the PyTorch module with `load_state_dict(strict=True)` and gives the same
/// logits. Everything is float32 on both sides.
///
/// Tolerance: relative error max|a - b| / max|b| below 1e-4. Inputs and weights are random and
/// continuous, so no max-pooling window has a tie and no ReLU input sits within rounding of 0
/// (where the two frameworks could legitimately pick different subgradients).
@Suite("PyTorch interop: weight files, logits and input gradients")
struct PyTorchInteropTests {
    static let tolerance: Float = 1e-4

    /// One architecture with its settings, as the engine builds it and as the spec mapping that
    /// `invlab_torch.build` reads.
    struct Model {
        var name: String
        var spec: JSONValue
        var inputShape: [Int]
        var classes: Int
        var architecture: Sequential
    }

    static let batch = 3

    static var models: [Model] {
        [
            Model(name: "cnn_bn", spec: ["type": "cnn", "channels": [4, 6], "batch_norm": true, "hidden": [10]],
                  inputShape: [3, 16, 16], classes: 5,
                  architecture: ClassifierArchitectures.cnn(inputShape: [3, 16, 16], channels: [4, 6], batchNorm: true, hidden: [10], classes: 5)),
            // No batch norm: the engine runs conv + ReLU + max pool through its fused kernel.
            Model(name: "cnn_fused", spec: ["type": "cnn", "channels": [3, 5], "kernel": 5, "hidden": []],
                  inputShape: [1, 16, 12], classes: 4,
                  architecture: ClassifierArchitectures.cnn(inputShape: [1, 16, 12], channels: [3, 5], kernel: 5, hidden: [], classes: 4)),
            Model(name: "mlp", spec: ["type": "mlp", "hidden": [24, 16]], inputShape: [1, 16, 12], classes: 6,
                  architecture: ClassifierArchitectures.mlp(inputShape: [1, 16, 12], hidden: [24, 16], classes: 6)),
            Model(name: "resnet", spec: ["type": "resnet", "widths": [4, 8], "blocks_per_stage": 1], inputShape: [3, 16, 16], classes: 5,
                  architecture: ClassifierArchitectures.resnet(inputShape: [3, 16, 16], widths: [4, 8], blocksPerStage: 1, classes: 5)),
        ]
    }

    /// max|a - b| / max|b| (infinite when the shapes differ).
    static func relativeError(_ a: Tensor, _ b: Tensor) -> Float {
        guard a.shape == b.shape else { return .infinity }
        let difference = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
        let scale = b.scalars.map { abs($0) }.max() ?? 0
        return difference / max(scale, 1e-30)
    }

    /// The MI-FACE objective sum_i ||softmax(f(x_i)) - onehot(i mod classes)||^2, as interop_check.py.
    static func miFaceObjective(_ network: Network, _ x: Var, classes: Int) -> Var {
        let onehot = Tensor.oneHot((0..<x.shape[0]).map { $0 % classes }, classes: classes)
        return (network.forward(x).softmax() - onehot).squared().sum()
    }

    /// An engine-initialised network whose batch-norm tensors are random and non-trivial (fresh
    /// ones are 1, 0, 0, 1, so a swapped name would go unnoticed).
    static func engineNetwork(_ model: Model) -> Network {
        var network = Network(model.architecture, inputShape: model.inputShape, seed: 77, name: model.name)
        var generator = SeededGenerator(seed: 78)
        for name in network.state.bufferNames where name.hasSuffix(".running_mean") {
            let prefix = String(name.dropLast(".running_mean".count))
            let count = network.state.buffers[name]!.count
            network.state.buffers[name] = Tensor.normal([count], standardDeviation: 0.2, generator: &generator)
            network.state.buffers[prefix + ".running_var"] = Tensor.uniform([count], low: 0.5, high: 2, generator: &generator)
            network.state.buffers[prefix + ".num_batches_tracked"] = Tensor(shape: [], scalars: [3])
            network.state.parameters[prefix + ".weight"] = Tensor.uniform([count], low: 0.5, high: 1.5, generator: &generator)
            network.state.parameters[prefix + ".bias"] = Tensor.normal([count], standardDeviation: 0.2, generator: &generator)
        }
        return network
    }

    @Test("PyTorch-made models give the engine's logits and input gradients; engine files load strictly into PyTorch",
          .enabled(if: PyTorchBridge.isAvailable, "needs python3 with torch, safetensors and numpy"))
    func roundTrip() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("invlab-interop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func file(_ name: String) -> URL { directory.appendingPathComponent(name) }

        let entries: [JSONValue] = Self.models.enumerated().map { index, model in
            ["name": .string(model.name), "spec": model.spec, "input_shape": .array(model.inputShape.map { .integer($0) }),
             "classes": .integer(model.classes), "batch": .integer(Self.batch), "seed": .integer(index + 1)]
        }
        try Data(JSONValue.object([("models", .array(entries))]).serialized().utf8).write(to: file("config.json"))
        var engineNetworks: [String: Network] = [:]
        for model in Self.models {
            let network = Self.engineNetwork(model)
            try network.save(to: file("\(model.name)_engine.safetensors"))
            engineNetworks[model.name] = network
        }

        let result = PyTorchBridge.run([PyTorchBridge.script.path, directory.path])
        try #require(result.status == 0, "interop_check.py failed:\n\(result.output)")

        for model in Self.models {
            var network = Network(model.architecture, inputShape: model.inputShape, seed: 5, name: model.name)
            try network.load(from: file("\(model.name).safetensors"))
            let x = try NPYFile.read(contentsOf: file("\(model.name)_x.npy"))
            try #require(x.shape == [Self.batch] + model.inputShape)

            let logits = network.predict(x)
            let (_, gradient) = valueWithGradient(at: x) { Self.miFaceObjective(network, $0, classes: model.classes) }
            let logitsError = Self.relativeError(logits, try NPYFile.read(contentsOf: file("\(model.name)_logits.npy")))
            let gradientError = Self.relativeError(gradient, try NPYFile.read(contentsOf: file("\(model.name)_grad.npy")))
            let engineLogits = engineNetworks[model.name]!.predict(x)
            let reloadError = Self.relativeError(engineLogits, try NPYFile.read(contentsOf: file("\(model.name)_engine_logits.npy")))
            print("interop \(model.name): relative error logits \(logitsError), input gradient \(gradientError), "
                  + "engine file in PyTorch \(reloadError)")
            #expect(logitsError < Self.tolerance, "\(model.name): logits of the PyTorch-saved model")
            #expect(gradientError < Self.tolerance, "\(model.name): MI-FACE input gradient")
            #expect(reloadError < Self.tolerance, "\(model.name): logits of the engine-saved model in PyTorch")
            // The gradient is not trivially zero (which would make the comparison vacuous).
            #expect(gradient.scalars.contains { $0 != 0 }, "\(model.name): zero input gradient")
        }
    }
}
