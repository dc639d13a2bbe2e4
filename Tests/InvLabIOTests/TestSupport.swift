import Foundation
import Testing

/// Asserts that `body` throws an error whose description is exactly `expected`.
func expectError(_ expected: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected the error \"\(expected)\" but nothing was thrown", sourceLocation: sourceLocation)
    } catch {
        #expect("\(error)" == expected, sourceLocation: sourceLocation)
    }
}

/// A fresh temporary directory, removed by the caller with `cleanUp`.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("invlab-io-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func cleanUp(_ url: URL) { try? FileManager.default.removeItem(at: url) }

/// Bytes from an ASCII string.
func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Runs python3 with a script (for interoperability checks with NumPy and PyTorch).
enum Python {
    /// True when `python3 -c "import <module>"` succeeds.
    static func canImport(_ module: String) -> Bool {
        (try? run("import \(module)").status) == 0
    }

    static let hasNumpy = canImport("numpy")
    static let hasTorch = canImport("torch")
    static let hasSafetensors = canImport("safetensors")

    /// Runs `python3 -c script args...`, returning the exit status and combined output.
    static func run(_ script: String, arguments: [String] = []) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
