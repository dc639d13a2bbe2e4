import Foundation

/// The machine's `python3`, for the tests that check invlab against PyTorch and onnxruntime.
public enum Python3 {
    /// Runs `python3 arguments...` and returns its exit status and combined stdout and stderr
    /// (status -1 when python3 cannot be started).
    public static func run(_ arguments: [String]) -> (status: Int32, output: String) {
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

    /// Why `test` cannot run here, or nil when python3 imports every module of `modules`:
    /// "<test> skipped: python3 cannot import a, b and c (<last line of the error>); install them
    /// with <install>".
    public static func unavailableReason(importing modules: [String], test: String, install: String) -> String? {
        let result = run(["-c", "import " + modules.joined(separator: ", ")])
        guard result.status != 0 else { return nil }
        let detail = result.output.split(separator: "\n").last.map(String.init) ?? "exit status \(result.status)"
        let names = modules.count > 1 ? modules.dropLast().joined(separator: ", ") + " and " + modules.last! : modules.joined()
        return "\(test) skipped: python3 cannot import \(names) (\(detail)); install them with \(install)"
    }
}
