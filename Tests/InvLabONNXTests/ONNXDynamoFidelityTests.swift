import Foundation
import InvLabIO
import InvLabONNX
import InvLabTensor
import InvLabTestSupport
import Testing

/// The fidelity models exported by PyTorch's default exporter, `torch.onnx.export(..., dynamo=True)`
/// (`scripts/onnx_dynamo_fixtures.py`), with a free batch dimension: with the exporter's defaults
/// (opset 20, graph optimiser on) and with `optimize=False` at opsets 18, 20 and 23 (BatchNormalization
/// kept; Reshape with allowzero 1, integer Reshape/Squeeze/Concat of the batch size, Expand,
/// CastLike, Cast). The exporter writes the weights to `FILE.onnx.data` (external data) by default.
/// Same references and tolerance as `ONNXFidelityTests` (relative error 1e-4 on
/// logits and MI-FACE input gradients); the dynamic-batch models also run on a batch of one image
/// and must give the first row of PyTorch's logits.
@Suite("ONNX fidelity: dynamo-exported models give PyTorch's outputs and input gradients")
struct ONNXDynamoFidelityTests {
    static let script = ONNXBridge.packageRoot.appendingPathComponent("scripts/onnx_dynamo_fixtures.py")

    /// Why the test cannot run here (onnxscript is what the dynamo exporter needs beyond the fidelity test's packages).
    static let unavailableReason: String? = Python3.unavailableReason(
        importing: ["torch", "onnx", "numpy", "onnxscript"], test: "ONNX dynamo fidelity test",
        install: "`make python-test-deps` (torch 2.13.0+cpu, onnx 1.23.2, onnxscript)")

    static var isAvailable: Bool {
        if let reason = unavailableReason { print(reason) }
        return unavailableReason == nil
    }

    /// (model, file, free batch) for every file the script writes.
    static var cases: [(model: String, file: String, dynamicBatch: Bool)] {
        var cases: [(String, String, Bool)] = []
        for model in ["resnet", "vgg", "embedder", "normed", "zoo", "mobile"] {
            let dynamic = model != "zoo"
            cases.append((model, "\(model)_dynamo.onnx", dynamic))
            for opset in [18, 20, 23] { cases.append((model, "\(model)_dynamo_raw_opset\(opset).onnx", dynamic)) }
        }
        cases.append(("resnet18", "resnet18_dynamo.onnx", true))
        return cases
    }

    @Test("dynamo=True exports match PyTorch's logits and MI-FACE input gradients within 1e-4",
          .enabled(if: ONNXDynamoFidelityTests.isAvailable, "needs python3 with torch, onnx, numpy and onnxscript"))
    func dynamoExports() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("invlab-onnx-dynamo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func file(_ name: String) -> URL { directory.appendingPathComponent(name) }

        let result = ONNXBridge.run([Self.script.path, directory.path])
        try #require(result.status == 0, "onnx_dynamo_fixtures.py failed:\n\(result.output)")

        var worstLogits: Float = 0, worstGradient: Float = 0
        for (model, fileName, dynamicBatch) in Self.cases {
            // The dynamo exporter keeps the weights in an external data file next to the model by default.
            #expect(FileManager.default.fileExists(atPath: file(fileName + ".data").path), "\(fileName): no \(fileName).data")
            let onnx = try ONNXModel(contentsOf: file(fileName).path)
            let x = try NPYFile.read(contentsOf: file("\(model)_x.npy"))
            let expected = try NPYFile.read(contentsOf: file("\(model)_logits.npy"))
            let output = try onnx(Var(constant: x)).value
            let (_, gradient) = try valueWithGradient(at: x) { ONNXFidelityTests.miFaceObjective(try onnx($0)) }
            let logitsError = ONNXFidelityTests.relativeError(output, expected)
            let gradientError = ONNXFidelityTests.relativeError(gradient, try NPYFile.read(contentsOf: file("\(model)_grad.npy")))
            print("onnx \(fileName) (opset \(onnx.opset)): relative error logits \(logitsError), input gradient \(gradientError)")
            #expect(logitsError <= ONNXFidelityTests.tolerance, "\(fileName): logits")
            #expect(gradientError <= ONNXFidelityTests.tolerance, "\(fileName): MI-FACE input gradient")
            #expect(gradient.scalars.contains { $0 != 0 }, "\(fileName): zero input gradient")
            if dynamicBatch {
                let single = try onnx(Var(constant: x.slice(alongAxis: 0, 0..<1))).value
                let firstRow = expected.slice(alongAxis: 0, 0..<1)
                #expect(ONNXFidelityTests.relativeError(single, firstRow) <= ONNXFidelityTests.tolerance, "\(fileName): batch of one")
            }
            worstLogits = max(worstLogits, logitsError)
            worstGradient = max(worstGradient, gradientError)
        }
        print("onnx dynamo fidelity: worst relative error logits \(worstLogits), input gradient \(worstGradient) over \(Self.cases.count) files")
    }
}
