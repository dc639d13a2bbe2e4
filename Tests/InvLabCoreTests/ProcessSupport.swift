import Foundation
import InvLabCore

/// What a finished child process printed, and its exit status.
typealias ProcessOutput = ChildProcess.Output

/// Runs `executable` with `arguments` to completion (`ChildProcess.run`).
func runProcess(_ executable: String, _ arguments: [String], directory: URL? = nil, environment: [String: String] = [:]) throws -> ProcessOutput {
    try ChildProcess.run(executable, arguments, directory: directory, environment: environment)
}

/// `python3 scripts/NAME arguments...` from the repository root.
func runScript(_ name: String, _ arguments: [String]) throws -> ProcessOutput {
    try runProcess("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("scripts/\(name)").path] + arguments)
}
