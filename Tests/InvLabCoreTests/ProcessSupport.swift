import Foundation

/// What a finished child process printed, and its exit status.
struct ProcessOutput {
    var status: Int32
    var output: String
    var errors: String
}

/// Runs `executable` with `arguments` to completion. Standard output is read to its end before
/// standard error, which suits the short outputs of the commands the tests run.
func runProcess(_ executable: String, _ arguments: [String], directory: URL? = nil, environment: [String: String] = [:]) throws -> ProcessOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new } }
    let (output, errors) = (Pipe(), Pipe())
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessOutput(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                         errors: String(decoding: errorData, as: UTF8.self))
}

/// `python3 scripts/NAME arguments...` from the repository root.
func runScript(_ name: String, _ arguments: [String]) throws -> ProcessOutput {
    try runProcess("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("scripts/\(name)").path] + arguments)
}
