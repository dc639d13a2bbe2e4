import ArgumentParser
import Foundation
import InvLabTensor

/// The `invlab` command line.
public struct InvlabCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "invlab",
        abstract: "Model inversion attacks and defenses on image classifiers, driven by YAML specs.",
        subcommands: [BenchCommand.self])

    public init() {}
}

/// Start-up for executables built on InversionLab: re-executes the process once with
/// `OPENBLAS_CORETYPE` set when OpenBLAS picked a slow generic kernel for this CPU (the kernel
/// can only be chosen before the library loads), then runs the command line.
public enum InvlabMain {
    public static func run() {
        if let (name, value) = BLASKernel.reexecutionEnvironment() {
            setenv(name, value, 1)
            setenv("INVLAB_NO_REEXEC", "1", 1)
            execv("/proc/self/exe", CommandLine.unsafeArgv)
            // execv only returns on failure; carry on with the slow kernel (reported by `bench`).
        }
        InvlabCommand.main()
    }
}
