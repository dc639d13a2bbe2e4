import Foundation
import InvLabSpec
import InvLabTensor

/// Facts about the software and machine that produced a run (recorded in run.json).
public enum Provenance {
    /// The InversionLab version.
    public static let version = "0.1.0"

    /// The git commit of the source tree this binary was built from, and whether it had
    /// uncommitted changes (read at run time from the source directory, when it still exists).
    public static var gitCommit: (commit: String, dirty: Bool)? {
        let sourceDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: sourceDirectory),
              let commit = run("/usr/bin/env", ["git", "-C", sourceDirectory, "rev-parse", "HEAD"])?
                .trimmingCharacters(in: .whitespacesAndNewlines), commit.count == 40 else { return nil }
        let status = run("/usr/bin/env", ["git", "-C", sourceDirectory, "status", "--porcelain", "--untracked-files=no"]) ?? ""
        return (commit, !status.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }

    /// The Swift compiler this binary was built with, to the patch release: "Swift 6.3.1".
    public static var swiftCompiler: String { "Swift " + SwiftCompilerVersion.text }

    /// Operating system and kernel.
    public static var operatingSystem: String {
        var name = utsname()
        uname(&name)
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { bytes in String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return "\(ProcessInfo.processInfo.operatingSystemVersionString) (\(text(name.sysname)) \(text(name.release)) \(text(name.machine)))"
    }

    /// Runs a command and returns its standard output, or nil if it fails.
    static func run(_ executable: String, _ arguments: [String]) -> String? {
        guard let result = try? ChildProcess.run(executable, arguments), result.status == 0 else { return nil }
        return result.output
    }

    /// The machine-and-software part of run.json.
    public static var environment: JSONValue {
        let git = gitCommit
        return .object([
            ("invlab_version", .string(version)),
            ("git_commit", git.map { .string($0.commit) } ?? .null),
            ("git_dirty", git.map { .bool($0.dirty) } ?? .null),
            ("swift", .string(swiftCompiler)),
            ("os", .string(operatingSystem)),
            ("cpu_count", .integer(ProcessInfo.processInfo.activeProcessorCount)),
            ("threads", .integer(Parallel.threads)),
            ("blas", .string(BLASKernel.status)),
            ("blas_kernel", .string(BLAS.kernelName)),
        ])
    }
}
