import ArgumentParser
import Foundation
import InvLabBuiltins
import InvLabCLI
import InvLabCore
import InvLabIO
import InvLabNN
@testable import InvLabONNX
import InvLabTensor
import InvLabTestSupport
import Testing

/// `invlab export` of a run whose models are imported ONNX files (`type: onnx`): the target used
/// as it is and the dummy defense's f' fine-tuned from the same file. ONNX export writes the
/// file's own graph with the run's weights (the file's for the target, the fine-tuned ones for
/// f'), self-contained although the source keeps its weights in an external data file;
/// safetensors holds the initializers under their names in the file. With python3's onnx and
/// onnxruntime, the exported files also pass onnx.checker and give the same logits in onnxruntime.
@Suite("Export command: imported ONNX recognizers", .serialized)
struct ExportImportedONNXTests {
    /// A Flatten + Gemm classifier of the tiny spec's 16 x 12 grey faces and 4 identities, written
    /// by invlab's exporter and then moved to `model.data` (every initializer as external data).
    static func writeModel(in directory: URL) throws -> Network {
        let network = Network(Sequential([Flatten(), Linear(16 * 12, 4)]), inputShape: [1, 16, 12], seed: 11, name: "imported")
        var proto = try NetworkExport.modelProto(network)
        var external = Data()
        for index in proto.graph.initializer.indices {
            var tensor = proto.graph.initializer[index]
            var location = Onnx_StringStringEntryProto(), offset = location, length = location
            (location.key, location.value) = ("location", "model.data")
            (offset.key, offset.value) = ("offset", String(external.count))
            (length.key, length.value) = ("length", String(tensor.rawData.count))
            external.append(tensor.rawData)
            tensor.rawData = Data()
            tensor.dataLocation = .external
            tensor.externalData = [location, offset, length]
            proto.graph.initializer[index] = tensor
        }
        try external.write(to: directory.appendingPathComponent("model.data"))
        try proto.serializedData().write(to: directory.appendingPathComponent("model.onnx"))
        return network
    }

    static let spec = tiny(replacing: "target: {type: softmax_regression, train: {epochs: 3, batch_size: 4}}",
                           with: "target: {type: onnx, path: model.onnx, classes: 4}")
        + "defense: {type: dummy_recognizer, lambda: 0.25, images_per_identity: 2, real_negatives: private_train, "
        + "recognizer: {type: onnx, path: model.onnx, classes: 4, fine_tune: {epochs: 1, batch_size: 4}}}\n"

    func export(_ run: URL, _ fixture: SpecFixture, role: String, format: String, to url: URL) throws {
        var command = try InvlabCommand.parseAsRoot([
            "export", run.path, "--model", role, "--format", format, "--out", url.path,
            "--cache", fixture.path("cache-run"), "--data-dir", fixture.path("data"),
        ])
        try command.run()
    }

    @Test("the target (the file as it is) and f' (fine-tuned from it) export as ONNX graphs with the run's weights and as safetensors by initializer name")
    func importedModels() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": Self.spec])
        defer { fixture.remove() }
        let source = try Self.writeModel(in: fixture.directory)
        let summary = try runSpec(fixture, out: "run")
        #expect(summary.outcomes.allSatisfy { $0.status == .completed })
        let exports = fixture.directory.appendingPathComponent("exports")
        try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
        var generator = SeededGenerator(seed: 5)
        let x = Tensor.uniform([3, 1, 16, 12], low: 0, high: 1, generator: &generator)

        for role in [ExportedModelRole.target, .dummy] {
            let network = try ExportCommandTests.models(fixture, run: "run", role: role)
            let onnx = exports.appendingPathComponent("\(role.rawValue).onnx")
            let safetensors = exports.appendingPathComponent("\(role.rawValue).safetensors")
            try export(summary.directory, fixture, role: role.rawValue, format: "onnx", to: onnx)
            try export(summary.directory, fixture, role: role.rawValue, format: "safetensors", to: safetensors)

            // One file: the weights are inside it (no model.data next to it in exports/).
            let exported = try ONNXModel(contentsOf: onnx.path)
            #expect(exported.weightNames == ["1.bias", "1.weight"])
            #expect(try Onnx_ModelProto(serializedBytes: try Data(contentsOf: onnx)).graph.initializer.allSatisfy { $0.dataLocation == .default })
            for name in exported.weightNames {
                #expect(exported.weight(name) == network.state.parameters["0.\(name)"], "\(role): \(name) is the run's weight")
            }
            let expected = network.predict(x), actual = try exported(Var(constant: x)).value
            let error = zip(actual.scalars, expected.scalars).map { abs($0 - $1) }.max()! / expected.scalars.map(abs).max()!
            #expect(actual.shape == [3, 4] && error <= 1e-5, "\(role): logits of the exported file, relative error \(error)")

            // onnxruntime (and onnx.checker) run the exported file too, when python3 has them.
            if onnxRuntimeUnavailable == nil {
                try NPYFile.write(x, to: exports.appendingPathComponent("\(role.rawValue)_x.npy"))
                let check = Python3.run([ShardExportTests.checkScript.path, "onnx", exports.path, role.rawValue])
                try #require(check.status == 0, "onnx_export_check.py: \(check.output)")
                let runtime = try NPYFile.read(contentsOf: exports.appendingPathComponent("\(role.rawValue)_ort.npy"))
                let runtimeError = zip(runtime.scalars, expected.scalars).map { abs($0 - $1) }.max()! / expected.scalars.map(abs).max()!
                #expect(runtime.shape == [3, 4] && runtimeError <= 1e-5, "\(role): onnxruntime logits, relative error \(runtimeError)")
            }

            let tensors = try Safetensors.read(contentsOf: safetensors).dictionary
            #expect(tensors.keys.sorted() == ["1.bias", "1.weight"])
            #expect(tensors["1.weight"] == network.state.parameters["0.1.weight"] && tensors["1.bias"] == network.state.parameters["0.1.bias"])
        }
        // The target is the file as it is; f' was trained away from it.
        let exportedTarget = try ONNXModel(contentsOf: exports.appendingPathComponent("target.onnx").path)
        let exportedDummy = try ONNXModel(contentsOf: exports.appendingPathComponent("dummy.onnx").path)
        #expect(exportedTarget.weight("1.weight") == source.state.parameters["1.weight"])
        #expect(exportedDummy.weight("1.weight") != source.state.parameters["1.weight"])
    }
}
