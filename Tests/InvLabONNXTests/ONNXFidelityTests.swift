import Foundation
import InvLabIO
import InvLabONNX
import InvLabTensor
import Testing

/// Models exported by PyTorch (`scripts/onnx_fixtures.py`) run on the engine with PyTorch's
/// outputs and input gradients: a ResNet-style network with BatchNorm and residual additions, a
/// VGG-style stack, a FaceNet-style embedder with L2 normalisation and a linear head (written out,
/// and by `F.normalize`: ReduceL2, Clip, Expand), a model of assorted operators, one of rectangular,
/// dilated and ceil-mode pooling, float Gather and stacked MatMul, and a hand-built one with
/// explicit and asymmetric padding, each at opsets
/// 13, 17 and 20; the ResNet with its weights in an external data file; and ResNet-18's layout at
/// 112 x 92 grey (opset 17).
///
/// Tolerance: relative error max|a - b| / max|b| at most 1e-4, everything float32. Inputs and
/// weights are random and continuous, so no pooling window has a tie and no ReLU input sits
/// within rounding of 0.
@Suite("ONNX fidelity: PyTorch-exported models give PyTorch's outputs and input gradients")
struct ONNXFidelityTests {
    static let tolerance: Float = 1e-4
    static let models = ["resnet", "vgg", "embedder", "normed", "zoo", "mixer", "mobile", "padded"]
    static let opsets = [11, 12, 13, 17, 20]
    /// ResNet-18's layout at ORL's 112 x 92 (11 M weights), exported once.
    static let large = ("resnet18", "resnet18_opset17.onnx")

    /// max|a - b| / max|b| (infinite when the shapes differ).
    static func relativeError(_ a: Tensor, _ b: Tensor) -> Float {
        guard a.shape == b.shape else { return .infinity }
        let difference = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
        let scale = b.scalars.map { abs($0) }.max() ?? 0
        return difference / max(scale, 1e-30)
    }

    /// The MI-FACE objective sum_i ||softmax(f(x_i)) - onehot(i mod classes)||^2 with classes the
    /// output's width, as onnx_fixtures.py.
    static func miFaceObjective(_ output: Var) -> Var {
        let classes = output.shape[1]
        let onehot = Tensor.oneHot((0..<output.shape[0]).map { $0 % classes }, classes: classes)
        return (output.softmax() - onehot).squared().sum()
    }

    @Test("Exported models match PyTorch's logits and MI-FACE input gradients within 1e-4",
          .enabled(if: ONNXBridge.isAvailable, "needs python3 with torch, onnx and numpy"))
    func pytorchModels() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("invlab-onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func file(_ name: String) -> URL { directory.appendingPathComponent(name) }

        let result = ONNXBridge.run([ONNXBridge.script.path, directory.path])
        try #require(result.status == 0, "onnx_fixtures.py failed:\n\(result.output)")

        var cases = Self.models.flatMap { model in Self.opsets.map { (model, "\(model)_opset\($0).onnx") } }
        cases.append(("resnet", "resnet_external.onnx"))
        cases.append(Self.large)
        var worstLogits: Float = 0, worstGradient: Float = 0
        for (model, fileName) in cases {
            let onnx = try ONNXModel(contentsOf: file(fileName).path)
            let x = try NPYFile.read(contentsOf: file("\(model)_x.npy"))
            let output = try onnx(Var(constant: x)).value
            let (_, gradient) = try valueWithGradient(at: x) { Self.miFaceObjective(try onnx($0)) }
            let logitsError = Self.relativeError(output, try NPYFile.read(contentsOf: file("\(model)_logits.npy")))
            let gradientError = Self.relativeError(gradient, try NPYFile.read(contentsOf: file("\(model)_grad.npy")))
            print("onnx \(fileName): relative error logits \(logitsError), input gradient \(gradientError)")
            #expect(logitsError <= Self.tolerance, "\(fileName): logits")
            #expect(gradientError <= Self.tolerance, "\(fileName): MI-FACE input gradient")
            #expect(gradient.scalars.contains { $0 != 0 }, "\(fileName): zero input gradient")
            worstLogits = max(worstLogits, logitsError)
            worstGradient = max(worstGradient, gradientError)
        }
        print("onnx fidelity: worst relative error logits \(worstLogits), input gradient \(worstGradient) over \(cases.count) files")
    }
}
