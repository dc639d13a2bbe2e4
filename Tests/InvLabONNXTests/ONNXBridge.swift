import Foundation

/// Runs `scripts/onnx_fixtures.py` (the PyTorch side of the ONNX fidelity test) with the
/// machine's `python3`, and tells whether PyTorch, onnx and NumPy are there at all.
enum ONNXBridge {
    /// The package root, found from this file's path (Tests/InvLabONNXTests/<file>).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var script: URL { packageRoot.appendingPathComponent("scripts/onnx_fixtures.py") }

    /// Why the fidelity test cannot run here, or nil when `python3 -c "import torch, onnx, numpy"`
    /// succeeds. Checked once per test process.
    static let unavailableReason: String? = {
        let result = run(["-c", "import torch, onnx, numpy"])
        guard result.status != 0 else { return nil }
        let detail = result.output.split(separator: "\n").last.map(String.init) ?? "exit status \(result.status)"
        return "ONNX fidelity test skipped: python3 cannot import torch, onnx and numpy (\(detail)); "
            + "install them with `make python-test-deps` (torch 2.13.0+cpu, onnx 1.23.2)"
    }()

    static var isAvailable: Bool {
        if let reason = unavailableReason { print(reason) }
        return unavailableReason == nil
    }

    /// Runs `python3 arguments...` and returns its exit status and combined stdout and stderr.
    static func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return (-1, "cannot start python3: \(error)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
