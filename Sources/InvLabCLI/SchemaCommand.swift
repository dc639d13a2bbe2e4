import ArgumentParser
import Foundation
import InvLabCore

/// `invlab schema`.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of experiment specs, generated from the registered plugins.",
        discussion: """
        Use it with yaml-language-server: put `# yaml-language-server: $schema=invlab.schema.json` at the
        top of a spec.

        Example:
          invlab schema > invlab.schema.json
        """)

    func run() throws {
        print(ExperimentSchema.document(try CommandEnvironment.loadRegistries()).serialized(pretty: true))
    }
}
