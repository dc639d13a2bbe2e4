import ArgumentParser
import Foundation
import InvLabCore
import InvLabSpec

/// `invlab validate`.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check specs: YAML, keys, types, ranges, plugin names, every sweep point; builds every plugin.",
        discussion: """
        Prints every problem of every file in one pass, compiler style, and exits 64 if any spec is invalid.

        Examples:
          invlab validate Experiments/*.yaml
          invlab validate my.yaml --set attack.restarts=5 --print
        """)

    @Argument(help: "Spec files.")
    var specs: [String]

    @OptionGroup var specOptions: SpecOptions

    @Flag(help: "Print each resolved spec (inherit and --set applied) as YAML.")
    var print = false

    func run() throws {
        var failed = 0
        for spec in specs {
            do {
                let loaded = try loadSpec(spec, overrides: specOptions.overrides)
                if print { Swift.print(emitYAML(loaded.root), terminator: "") }
                Swift.print("\(spec): ok (\(loaded.trials.count) trial\(loaded.trials.count == 1 ? "" : "s"))")
            } catch let exit as ExitCode where exit == ExitCode(ExitCodes.badSpec) {
                failed += 1
            }
        }
        if failed > 0 { throw ExitCode(ExitCodes.badSpec) }
    }
}
