import ArgumentParser
import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabTensor

/// The `invlab` command line.
public struct InvlabCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "invlab",
        abstract: "Model inversion attacks and defenses on image classifiers, driven by YAML specs.",
        discussion: """
        Examples:
          invlab run Experiments/quickstart.yaml
          invlab run Experiments/orl/fredrikson_miface.yaml --set attack.iterations=200 --out runs/try
          invlab validate Experiments/*.yaml
          invlab plugins --kind defense
          invlab data fetch orl
        """,
        version: Provenance.version,
        subcommands: [RunCommand.self, ValidateCommand.self, VerifyCommand.self, PluginsCommand.self, SchemaCommand.self,
                      ReportCommand.self, CompareCommand.self, DataCommand.self, BenchCommand.self,
                      PlanCommand.self, PrepareCommand.self, MergeCommand.self, StatusCommand.self, ExportCommand.self,
                      SlurmCommand.self])

    public init() {}
}

/// Exit codes: 64 for a bad spec or bad usage (before any model is built), 130 after an
/// interruption, 1 for other failures.
enum ExitCodes {
    static let badSpec: Int32 = 64
    static let interrupted: Int32 = 130
    static let failure: Int32 = 1
}

/// The plugins this executable knows (the built-ins, plus whatever an extending package adds).
enum CommandEnvironment {
    /// `nonisolated(unsafe)`: set and read only on the command's main thread, at start-up
    /// (by `loadRegistries` or an extending package's `main`), before any worker thread runs.
    nonisolated(unsafe) static var registries: Registries?

    static func loadRegistries() throws -> Registries {
        if let registries { return registries }
        let built = try Builtins.registries()
        registries = built
        return built
    }
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
}

/// Start-up for executables built on InversionLab.
public enum InvlabMain {
    /// Re-executes the process once with `OPENBLAS_CORETYPE` set when OpenBLAS picked a slow
    /// generic kernel for this CPU (the kernel can only be chosen before the library loads), then
    /// runs the command line with `registries` (default: the built-in plugins). Another team's
    /// package calls this with registries that include its own modules.
    public static func run(registries: Registries? = nil) {
        if let (name, value) = BLASKernel.reexecutionEnvironment() {
            setenv(name, value, 1)
            setenv("INVLAB_NO_REEXEC", "1", 1)
            execv("/proc/self/exe", CommandLine.unsafeArgv)
            // execv only returns on failure; carry on with the slow kernel (reported by `bench` and run.json).
        }
        CommandEnvironment.registries = registries
        // Under Slurm the task's CPU allocation sets the engine's threads (unless INVLAB_THREADS does).
        let environment = ProcessInfo.processInfo.environment
        if environment["INVLAB_THREADS"] == nil, let text = environment["SLURM_CPUS_PER_TASK"], let cpus = Int(text), cpus > 0 {
            Parallel.threads = cpus
        }
        InvlabCommand.main()
    }
}
