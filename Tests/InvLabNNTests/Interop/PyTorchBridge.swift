import Foundation
import InvLabTestSupport

/// Runs the PyTorch side of the interop test (`scripts/interop_check.py`) with the machine's
/// `python3`, and tells whether PyTorch, safetensors and NumPy are there at all.
enum PyTorchBridge {
    /// The package root, found from this file's path (Tests/InvLabNNTests/Interop/<file>).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var script: URL { packageRoot.appendingPathComponent("scripts/interop_check.py") }

    /// Why the interop test cannot run here, or nil when `python3 -c "import torch, safetensors, numpy"`
    /// succeeds. Checked once per test process.
    static let unavailableReason: String? = Python3.unavailableReason(
        importing: ["torch", "safetensors", "numpy"], test: "PyTorch interop test",
        install: "`pip install torch==2.13.0+cpu safetensors numpy`")

    static var isAvailable: Bool {
        if let reason = unavailableReason { print(reason) }
        return unavailableReason == nil
    }

    /// Runs `python3 arguments...` and returns its exit status and combined stdout and stderr.
    static func run(_ arguments: [String]) -> (status: Int32, output: String) { Python3.run(arguments) }
}
