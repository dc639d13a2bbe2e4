import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabNN
@testable import InvLabONNX
import InvLabRecognizers
import InvLabSpec
import InvLabTensor
import SwiftProtobuf
import Testing

/// The `onnx` recognizer: a linear classifier written as an ONNX file (Flatten, Gemm) runs as the
/// engine network the Core attacks, with the configured input conversion, the file's weights
/// (never trained), gradients with respect to the images, and clear errors when model and data
/// disagree.
@Suite("onnx recognizer")
struct ONNXRecognizerTests {
    static let weight = Tensor(shape: [3, 4], scalars: [1, -2, 0.5, 3, 0, 1, -1, 2, -0.5, 0.25, 1.5, -3])
    static let bias = Tensor([0.1, -0.2, 0.3])

    /// A linear classifier of `imageShape` images (`weight`: classes x pixels); `batch` fixes the
    /// declared batch size (nil: a symbolic batch dimension, as `dynamic_axes` exports it).
    static func writeModel(to directory: URL, batch: Int64? = nil, softmax: Bool = false, imageShape: [Int64] = [1, 2, 2],
                           weight: Tensor = weight, bias: Tensor = bias) throws -> URL {
        func floats(_ name: String, _ tensor: Tensor) -> Onnx_TensorProto {
            var proto = Onnx_TensorProto()
            proto.name = name
            proto.dims = tensor.shape.map { Int64($0) }
            proto.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
            proto.floatData = tensor.scalars
            return proto
        }
        func node(_ op: String, _ inputs: [String], _ outputs: [String]) -> Onnx_NodeProto {
            var node = Onnx_NodeProto()
            (node.opType, node.input, node.output, node.name) = (op, inputs, outputs, op.lowercased())
            return node
        }
        var graph = Onnx_GraphProto()
        graph.node = [node("Flatten", ["x"], ["flat"]), node("Gemm", ["flat", "fc.weight", "fc.bias"], [softmax ? "logits" : "y"])]
        if softmax { graph.node.append(node("Softmax", ["logits"], ["y"])) }
        graph.node[1].attribute = [{ var a = Onnx_AttributeProto(); a.name = "transB"; a.type = .int; a.i = 1; return a }()]
        graph.initializer = [floats("fc.weight", weight), floats("fc.bias", bias)]
        var input = Onnx_ValueInfoProto()
        input.name = "x"
        input.type.tensorType.shape.dim = ([batch] + imageShape.map { $0 }).map { size in
            var dim = Onnx_TensorShapeProto.Dimension()
            if let size { dim.dimValue = size } else { dim.dimParam = "batch" }
            return dim
        }
        var output = Onnx_ValueInfoProto()
        output.name = "y"
        (graph.input, graph.output) = ([input], [output])
        var model = Onnx_ModelProto()
        model.opsetImport = [{ var o = Onnx_OperatorSetIdProto(); o.version = 17; return o }()]
        model.graph = graph
        let url = directory.appendingPathComponent("classifier.onnx")
        let bytes: Data = try model.serializedBytes()
        try bytes.write(to: url)
        return url
    }

    static func recognizer(_ yaml: String) throws -> any RecognizerPlugin {
        try PluginYAML.build(yaml, file: "spec.yaml", at: SpecPath.root.appending("target"), kind: \.recognizers)
    }

    static func withDirectory<T>(_ body: (URL) throws -> T) throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("invlab-onnx-recognizer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(directory)
    }

    @Test("Logits and image gradients follow the input conversion and the file's weights")
    func logitsAndGradients() throws {
        try Self.withDirectory { directory in
            let file = try Self.writeModel(to: directory)
            let plugin = try Self.recognizer("type: onnx\npath: \(file.path)\ninput: {range: [0, 2], mean: [1], std: [0.5]}\nclasses: 3\n")
            #expect(plugin.weights == file)
            let network = Network(try plugin.architecture(inputShape: [1, 2, 2], classes: 3), inputShape: [1, 2, 2], seed: 1)
            #expect(network.state.parameters["0.fc.weight"] == Self.weight)
            let images = Tensor(shape: [2, 1, 2, 2], scalars: [0, 0.25, 0.5, 1, 1, 0.75, 0.5, 0])
            // The model sees (2x - 1) / 0.5 = 4x - 2.
            let seen = images.reshaped([2, 4]).map { 4 * $0 - 2 }
            let expected = Tensor.matmul(seen, Self.weight, transposeA: false, transposeB: true) + Self.bias
            let logits = network.predict(images)
            #expect(zip(logits.scalars, expected.scalars).allSatisfy { abs($0 - $1) < 1e-5 }, "\(logits) vs \(expected)")
            // d(sum of logits)/dx = 4 * (column sums of W), for every image.
            let (_, gradient) = valueWithGradient(at: images) { network.forward($0, mode: .evaluation).sum() }
            let columnSums = (0..<4).map { column in (0..<3).map { Self.weight[$0, column] }.reduce(0, +) * 4 }
            #expect(gradient.reshaped([2, 4]) == Tensor(shape: [2, 4], scalars: columnSums + columnSums))
        }
    }

    @Test("Probabilities become log-probabilities; grey images are replicated for a 3-channel model only when configured")
    func probabilities() throws {
        try Self.withDirectory { directory in
            let file = try Self.writeModel(to: directory, softmax: true)
            let plugin = try Self.recognizer("type: onnx\npath: \(file.path)\noutput: probabilities\nclasses: 3\n")
            let network = Network(try plugin.architecture(inputShape: [1, 2, 2], classes: 3), inputShape: [1, 2, 2], seed: 1)
            let images = Tensor(shape: [1, 1, 2, 2], scalars: [0.1, 0.2, 0.3, 0.4])
            let logits = Tensor.matmul(images.reshaped([1, 4]), Self.weight, transposeA: false, transposeB: true) + Self.bias
            let expected = Tensor.logSoftmaxLastAxis(logits)
            #expect(zip(network.predict(images).scalars, expected.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
        }
    }

    @Test("Images are resized, replicated to three channels and laid out NHWC as configured")
    func inputConversion() throws {
        try Self.withDirectory { directory in
            let weight = Tensor(shape: [3, 12], scalars: (0..<36).map { Float($0 % 7) - 3 })
            let file = try Self.writeModel(to: directory, imageShape: [2, 2, 3], weight: weight)
            let plugin = try Self.recognizer("type: onnx\npath: \(file.path)\ninput: {layout: NHWC, size: [2, 2], channels: 3}\nclasses: 3\n")
            let network = Network(try plugin.architecture(inputShape: [1, 4, 4], classes: 3), inputShape: [1, 4, 4], seed: 1)
            let images = Tensor(shape: [1, 1, 4, 4], scalars: (0..<16).map { Float($0) / 16 })
            // Halving by bilinear resampling averages each 2 x 2 block; NHWC puts a pixel's three
            // (equal) channels next to each other.
            let v = images.scalars
            let pixels: [Float] = [0, 2, 8, 10].map { (i: Int) -> Float in (v[i] + v[i + 1] + v[i + 4] + v[i + 5]) / 4 }
            var expected = Self.bias.scalars
            for k in 0..<3 {
                for p in 0..<4 {
                    for channel in 0..<3 { expected[k] += pixels[p] * weight[k, 3 * p + channel] }
                }
            }
            let logits = network.predict(images)
            #expect(zip(logits.scalars, expected).allSatisfy { abs($0 - $1) < 1e-5 }, "\(logits) vs \(expected)")
        }
    }

    @Test("The network is the file's, not trained: training returns the model as loaded")
    func neverTrained() throws {
        try Self.withDirectory { directory in
            let file = try Self.writeModel(to: directory)
            let plugin = try Self.recognizer("type: onnx\npath: \(file.path)\nclasses: 3\n")
            let recipe = TrainingRecipe(role: "target", architecture: try plugin.architecture(inputShape: [1, 2, 2], classes: 3),
                                        architectureName: "target onnx", inputShape: [1, 2, 2], settings: TrainingSettings(),
                                        augmentation: AugmentationConfig(), fingerprint: ["onnx"])
            let set = LabeledSet(images: Tensor(zeros: [3, 1, 2, 2]), labels: [0, 1, 2])
            let network = try RecognizerTraining.train(recipe, on: set, recognizer: plugin, environment: .ephemeral())
            #expect(network.state.parameters["0.fc.weight"] == Self.weight)
            #expect(network.state.parameters["0.fc.bias"] == Self.bias)
        }
    }

    @Test("fine_tune hands the network to the Core's training, cached under the file's digest")
    func fineTune() throws {
        try Self.withDirectory { directory in
            let file = try Self.writeModel(to: directory)
            let plugin = try Self.recognizer("type: onnx\npath: \(file.path)\nclasses: 3\nfine_tune: {epochs: 4, batch_size: 8}\n")
            #expect(plugin.weights == nil)
            #expect(plugin.training.epochs == 4 && plugin.training.batchSize == 8)
            let before = try plugin.trainingFingerprint()
            #expect(before.count == 1 && before[0].hasPrefix("onnx-sha256:"))
            _ = try Self.writeModel(to: directory, bias: Tensor([1, 2, 3]))
            #expect(try plugin.trainingFingerprint() != before, "a changed file must not reuse a cached fine-tuned network")
            #expect(try Self.recognizer("type: onnx\npath: \(file.path)\nclasses: 3\n").trainingFingerprint() == [])
        }
    }

    @Test("Model and data that disagree are reported before anything runs")
    func mismatches() throws {
        try Self.withDirectory { directory in
            let file = try Self.writeModel(to: directory, batch: 3)
            let plugin = try Self.recognizer("type: onnx\npath: \(file.path)\nclasses: 3\n")
            func message(_ inputShape: [Int], classes: Int) -> String {
                do {
                    _ = try plugin.architecture(inputShape: inputShape, classes: classes)
                    return "(no error)"
                } catch {
                    return "\(error)"
                }
            }
            #expect(message([1, 2, 2], classes: 4) ==
                "onnx recognizer \(file.path): the data has 4 identities, the model is configured with classes: 3")
            #expect(message([3, 2, 2], classes: 3) ==
                "onnx recognizer \(file.path): the data's images are [3, 2, 2] (C x H x W), the model reads 1 channel(s)")
            #expect(message([1, 2, 2], classes: 3) ==
                "onnx recognizer: \(file.path): graph input 'x' has shape [1, 1, 2, 2], the model declares [3, 1, 2, 2] "
                + "(on a batch of 1 image(s) of [1, 2, 2]; the model must accept any batch size: export it with dynamic_shapes=({0: torch.export.Dim(\"batch\")},) (dynamo=True) "
                + "or dynamic_axes={\"x\": {0: \"batch\"}} (dynamo=False))")
            let missing = try Self.recognizer("type: onnx\npath: \(directory.path)/absent.onnx\nclasses: 3\n")
            #expect(throws: DataError.self) { try missing.architecture(inputShape: [1, 2, 2], classes: 3) }
        }
    }

    @Test("Input settings are checked when the spec is read")
    func inputValidation() {
        let diagnostics = PluginYAML.diagnostics { cache in
            _ = try PluginYAML.build("type: onnx\npath: m.onnx\ninput: {channels: 3, mean: [0.5, 0.5]}\nclasses: 3\n",
                                     file: "spec.yaml", at: SpecPath.root.appending("target"), kind: \.recognizers, cache: cache)
        }
        #expect(diagnostics.contains("expected one value or 3 (one per channel), got 2"), "\(diagnostics)")
    }
}

/// A whole run with an ONNX target: the spec validates, the target is the file's model (its
/// accuracy is that of the file's weights), and the attack's gradient reaches the images.
@Suite("onnx recognizer in a run")
struct ONNXRecognizerRunTests {
    /// Runs `spec` in `directory` and returns the first trial's row of results.csv by column.
    static func run(_ spec: String, in directory: URL, name: String) throws -> [String: String] {
        let summary = try runSpec(spec, in: directory, name: name)
        let results = try String(contentsOf: summary.directory.appendingPathComponent("results.csv"), encoding: .utf8)
        #expect(summary.outcomes.map(\.status) == [.completed], "\(results)")
        let lines = results.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return Dictionary(uniqueKeysWithValues: zip(lines[0], lines[1]))
    }

    @Test("fine_tune trains the imported model on the private split: its accuracy rises")
    func fineTuneRun() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("invlab-onnx-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try ONNXRecognizerTests.writeModel(to: directory, imageShape: [1, 16, 12], weight: Tensor(zeros: [4, 192]), bias: Tensor(zeros: [4]))
        func spec(_ target: String) -> String {
            """
            version: 1
            name: onnx_fine_tune
            seed: 3
            data:
              source: {type: synthetic_faces, identities: 4, images_per_identity: 4, height: 16, width: 12}
              train_per_identity: 3
            target: \(target)
            evaluator: {type: mlp, hidden: [8], train: {epochs: 2, batch_size: 4}}
            attack: {type: gradient, iterations: 2, optimizer: {type: gradient_descent, lr: 0.1}}
            metrics: [recognition_accuracy]
            output: {images: false, report: false}

            """
        }
        let target = "{type: onnx, path: classifier.onnx, classes: 4"
        let asIs = try Self.run(spec(target + "}"), in: directory, name: "as_is")
        let tuned = try Self.run(spec(target + ", fine_tune: {epochs: 30, batch_size: 4, optimizer: {type: adam, lr: 0.01}}}"),
                                 in: directory, name: "tuned")
        // All-zero weights give equal logits: the untrained model is right for one identity in four.
        let (before, after) = (try #require(asIs["accuracy"].flatMap(Double.init)), try #require(tuned["accuracy"].flatMap(Double.init)))
        #expect(before == 0.25 && after > 0.5, "accuracy as exported \(before), fine-tuned \(after)")
    }

    @Test("A tiny spec attacks an ONNX target end to end")
    func run() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("invlab-onnx-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var generator = SeededGenerator(seed: 4)
        let weight = Tensor.normal([4, 192], standardDeviation: 0.5, generator: &generator)
        _ = try ONNXRecognizerTests.writeModel(to: directory, imageShape: [1, 16, 12], weight: weight, bias: Tensor(zeros: [4]))
        let spec = """
            version: 1
            name: onnx_target
            seed: 3
            data:
              source: {type: synthetic_faces, identities: 4, images_per_identity: 4, height: 16, width: 12}
              train_per_identity: 3
            target: {type: onnx, path: classifier.onnx, input: {size: [16, 12], mean: [0.5], std: [0.5]}, classes: 4}
            evaluator: {type: mlp, hidden: [8], train: {epochs: 2, batch_size: 4}}
            attack:
              type: gradient
              iterations: 8
              optimizer: {type: gradient_descent, lr: 1}
            metrics: [target_confidence]
            output: {images: false, report: false}

            """
        let summary = try runSpec(spec, in: directory)
        let results = try String(contentsOf: directory.appendingPathComponent("run/results.csv"), encoding: .utf8)
        #expect(summary.outcomes.map(\.status) == [.completed], "\(results)")
        // A 4-class target starts every attack at about 1/4 confidence; the attack must raise it.
        let header = results.split(separator: "\n")[0].split(separator: ",").map(String.init)
        let row = results.split(separator: "\n")[1].split(separator: ",").map(String.init)
        let confidence = try #require(header.firstIndex(of: "target_confidence").flatMap { Double(row[$0]) })
        #expect(confidence > 0.3, "\(results)")
    }
}
