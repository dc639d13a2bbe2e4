import ArgumentParser
import Foundation
import InvLabCore

/// `invlab plugins`.
struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins",
        abstract: "List every plugin with its keys, defaults and documentation.",
        discussion: """
        Examples:
          invlab plugins
          invlab plugins --kind defense
          invlab plugins --markdown > catalogue.md     # the plugin catalogue of docs/catalogue.md
        """)

    @Option(help: "Only this kind: \(PluginKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: String?

    @Flag(help: "Markdown (docs/catalogue.md).")
    var markdown = false

    func run() throws {
        let registries = try CommandEnvironment.loadRegistries()
        var selected: PluginKind?
        if let kind {
            guard let parsed = PluginKind(rawValue: kind) else {
                printError("error: unknown plugin kind '\(kind)'; expected one of: \(PluginKind.allCases.map(\.rawValue).joined(separator: ", "))")
                throw ExitCode(ExitCodes.badSpec)
            }
            selected = parsed
        }
        let text = markdown ? PluginCatalogue.markdown(registries, kind: selected) : PluginCatalogue.text(registries, kind: selected)
        print(text, terminator: "")
    }
}
