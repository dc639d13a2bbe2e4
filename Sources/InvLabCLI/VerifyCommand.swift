import ArgumentParser
import Foundation
import InvLabCore
import InvLabSpec

/// `invlab verify`.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Rerun a published experiment and check its figures against <spec>.expected.csv.",
        discussion: """
        Reports, metric by metric, whether the rerun agrees with the published value within the stated
        tolerance, and exits 1 if any does not. `--run DIR` checks an existing run of the same spec instead
        of rerunning (a run of another spec, or of this one with --set overrides, is refused with exit 64).

        Examples:
          invlab verify Experiments/quickstart.yaml
          invlab verify Experiments/orl/fredrikson_miface.yaml --run runs/orl-fredrikson-miface/20261129-101500
        """)

    @Argument(help: "The spec file.")
    var spec: String

    @Option(name: .customLong("run"), help: "Check this finished run instead of running the spec again.")
    var existingRun: String?

    @Option(help: "Run directory for the rerun (default: a new directory under the spec's output.directory).")
    var out: String?

    @Flag(help: "No progress output.")
    var quiet = false

    func run() throws {
        let expectedFile = ExpectedResults.file(forSpec: URL(fileURLWithPath: spec))
        guard let text = try? String(contentsOf: expectedFile, encoding: .utf8) else {
            printError("error: \(expectedFile.path) does not exist; a published experiment keeps its measured results there")
            throw ExitCode(ExitCodes.badSpec)
        }
        let expected: ExpectedResults
        do { expected = try ExpectedResults(text: text, path: expectedFile.path) } catch {
            printError("error: \(error)")
            throw ExitCode(ExitCodes.badSpec)
        }
        let outcomes: [TrialOutcome]
        if let existingRun {
            try checkIsRunOfSpec(existingRun)
            let lines = (try? String(contentsOfFile: existingRun + "/results.jsonl", encoding: .utf8)) ?? ""
            outcomes = try OutcomeCoding.outcomes(jsonLines: lines)
        } else {
            let loaded = try loadSpec(spec, overrides: [])
            Interruption.install()
            var options = RunOptions(dataDirectory: DataLocation.directory(nil))
            options.outDirectory = out.map { URL(fileURLWithPath: $0) }
            options.progress = quiet ? .quiet : .automatic
            options.cancelled = { Interruption.isRequested }
            let summary = try ExperimentRunner(loaded: loaded, registries: try CommandEnvironment.loadRegistries(), options: options).run()
            if summary.interrupted { throw ExitCode(ExitCodes.interrupted) }
            outcomes = summary.outcomes
            print("run directory: \(summary.directory.path)")
        }
        for note in expected.notes { print("# \(note)") }
        let (table, passed) = expected.check(outcomes)
        print(table.aligned, terminator: "")
        print(passed ? "verify: all \(expected.rows.count) figures agree within tolerance" : "verify: some figures disagree")
        if !passed { throw ExitCode(ExitCodes.failure) }
    }
}

extension VerifyCommand {
    /// Refuses (exit 64) a `--run` directory whose run.json records another spec hash than the
    /// spec's: its figures would be compared with another experiment's expected values.
    func checkIsRunOfSpec(_ directory: String) throws {
        let loaded = try loadSpec(spec, overrides: [])
        do {
            let recorded = try RecordedRun(directory: URL(fileURLWithPath: directory))
            if let mismatch = recorded.mismatch(with: loaded, specPath: spec) {
                printError(mismatch.description)
                throw ExitCode(ExitCodes.badSpec)
            }
        } catch let error as RunDirectoryError {
            printError("error: \(error)")
            throw ExitCode(ExitCodes.badSpec)
        }
    }
}
