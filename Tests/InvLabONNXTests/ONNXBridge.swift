import Foundation
import InvLabTestSupport

/// Runs `scripts/onnx_fixtures.py` (the PyTorch side of the ONNX fidelity test) with the
/// machine's `python3`, and tells whether PyTorch, onnx and NumPy are there at all.
enum ONNXBridge {
    /// The package root, found from this file's path (Tests/InvLabONNXTests/<file>).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var script: URL { packageRoot.appendingPathComponent("scripts/onnx_fixtures.py") }

    /// Why the fidelity test cannot run here, or nil when `python3 -c "import torch, onnx, numpy"`
    /// succeeds. Checked once per test process.
    static let unavailableReason: String? = Python3.unavailableReason(
        importing: ["torch", "onnx", "numpy"], test: "ONNX fidelity test",
        install: "`make python-test-deps` (torch 2.13.0+cpu, onnx 1.23.2)")

    static var isAvailable: Bool {
        if let reason = unavailableReason { print(reason) }
        return unavailableReason == nil
    }

    /// Runs `python3 arguments...` and returns its exit status and combined stdout and stderr.
    static func run(_ arguments: [String]) -> (status: Int32, output: String) { Python3.run(arguments) }
}
