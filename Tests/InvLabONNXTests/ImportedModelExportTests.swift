import Foundation
import InvLabNN
@testable import InvLabONNX
import InvLabTensor
import Testing

/// `NetworkExport` of a network that is one imported ONNX model: the file's own graph with the
/// network's weights, external data read into the output, and the exact refusals when the file
/// no longer matches the run (it changed after the run).
@Suite("Export: imported ONNX models")
struct ImportedModelExportTests {
    /// A layer running an imported model, as the `onnx` recognizer's (which lives in a plugin module).
    struct Imported: ImportedONNXLayer {
        let importedModel: ONNXModel
        func initialize(prefix: String, state: inout ModelState, generator: inout SeededGenerator) {
            for name in importedModel.weightNames { state.addParameter(qualifiedName(prefix, name), importedModel.weight(name)!) }
        }
        func forward(_ x: Var, prefix: String, context: ForwardContext) -> Var {
            let weights = Dictionary(uniqueKeysWithValues: importedModel.weightNames.map { ($0, context.parameter(qualifiedName(prefix, $0))) })
            return try! importedModel(x, weights: weights)
        }
        func outputShape(for input: [Int]) -> [Int] { [input[0], 2] }
        var summary: String { "imported" }
    }

    /// y = x * w with w = [[1, 2]] (x: N x 1), written to `directory/model.onnx`.
    static func writeModel(_ directory: URL, weight: [Float] = [1, 2], shape: [Int] = [1, 2]) throws -> ONNXModel {
        var builder = ModelBuilder()
        builder.floats("w", shape, weight)
        builder.node("MatMul", ["x", "w"], ["y"])
        let path = directory.appendingPathComponent("model.onnx").path
        try builder.serialized().write(to: URL(fileURLWithPath: path))
        return try ONNXModel(contentsOf: path)
    }

    static func withDirectory(_ body: (URL) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("invlab-imported-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory)
    }

    @Test("the exported file is the model's graph with the network's (changed) weights; safetensors names are the initializers'")
    func weightsReplaced() throws {
        try Self.withDirectory { directory in
            let model = try Self.writeModel(directory)
            var network = Network(Sequential([Imported(importedModel: model)]), inputShape: [1], seed: 1)
            network.state.parameters["0.w"] = Tensor(shape: [1, 2], scalars: [3, -4])
            let out = directory.appendingPathComponent("out.onnx")
            try NetworkExport.writeONNX(network, to: out)
            let exported = try ONNXModel(contentsOf: out.path)
            #expect(exported.weight("w") == Tensor(shape: [1, 2], scalars: [3, -4]))
            #expect(try exported(Var(constant: Tensor(shape: [1, 1], scalars: [2]))).value == Tensor(shape: [1, 2], scalars: [6, -8]))
            #expect(try NetworkExport.importedWeights(network) == ["w": Tensor(shape: [1, 2], scalars: [3, -4])])
        }
    }

    @Test("a file that changed after the run is refused: an initializer gone, or of another shape")
    func changedFile() throws {
        try Self.withDirectory { directory in
            let model = try Self.writeModel(directory)
            let path = model.path
            #expect(onnxErrorMessage { try NetworkExport.importedModelProto(model, weights: ["v": Tensor(zeros: [1, 2])]) } ==
                "\(path): the file has changed since the run: it has no initializer 'v'")
            #expect(onnxErrorMessage { try NetworkExport.importedModelProto(model, weights: ["w": Tensor(zeros: [2, 1])]) } ==
                "\(path): the file has changed since the run: initializer 'w' has shape [1, 2], the run's weight [2, 1]")
            try FileManager.default.removeItem(atPath: path)
            let message = onnxErrorMessage { try NetworkExport.importedModelProto(model, weights: [:]) }
            #expect(message?.hasPrefix("\(path): cannot read the imported model again to export it (") == true, "\(message ?? "")")
        }
    }
}
