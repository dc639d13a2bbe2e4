import Foundation
import InvLabCore
import Testing

/// The release `invlab` binary that `make test` builds (INVLAB_BINARY); these tests skip without it.
let invlabBinary: String? = ProcessInfo.processInfo.environment["INVLAB_BINARY"].flatMap {
    FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil
}

/// A sweep whose trials take a noticeable fraction of a second in a release build.
let slowSweepSpec = tiny(replacing: "iterations: 6", with: "iterations: 4000") + "sweep: {seed: [1, 2, 3, 4]}\n"

struct InvlabProcess {
    let process = Process()
    let stderr = Pipe()

    init(_ arguments: [String], directory: URL, extraEnvironment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: invlabBinary!)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["INVLAB_CACHE_DIR"] = directory.appendingPathComponent("cache").path
        process.environment = environment.merging(extraEnvironment) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr
        try process.run()
    }

    func wait() -> Int32 { finish().status }

    /// Waits for the process and returns its status and what it wrote to standard error.
    func finish() -> (status: Int32, errors: String) {
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: errors, as: UTF8.self))
    }
}

func recordedTrials(_ directory: URL) -> Int {
    ((try? String(contentsOf: directory.appendingPathComponent("results.jsonl"), encoding: .utf8)) ?? "")
        .split(separator: "\n").count
}

@Suite("Interruption of the invlab process", .enabled(if: invlabBinary != nil, "set INVLAB_BINARY to a release invlab (make test does)"))
struct InterruptionTests {
    @Test("SIGKILL at several moments loses at most the trial in flight; --resume gives the uninterrupted tables")
    func killAndResume() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": slowSweepSpec])
        defer { fixture.remove() }
        let directory = fixture.directory
        #expect(try InvlabProcess(["run", "spec.yaml", "--out", "reference", "--quiet"], directory: directory).wait() == 0)
        let reference = try text(directory.appendingPathComponent("reference"), "results.csv")
        for (index, delay) in [0.15, 0.6, 1.2, 2.0].enumerated() {
            let out = "killed\(index)"
            let running = try InvlabProcess(["run", "spec.yaml", "--out", out, "--quiet"], directory: directory)
            Thread.sleep(forTimeInterval: delay)
            kill(running.process.processIdentifier, SIGKILL)
            _ = running.wait()
            let runDirectory = directory.appendingPathComponent(out)
            // Whatever was recorded parses completely: no half-written trial.
            if let lines = try? String(contentsOf: runDirectory.appendingPathComponent("results.jsonl"), encoding: .utf8) {
                #expect(throws: Never.self) { try OutcomeCoding.outcomes(jsonLines: lines) }
            }
            if FileManager.default.fileExists(atPath: runDirectory.appendingPathComponent("run.json").path) {
                let status = try InvlabProcess(["run", "spec.yaml", "--out", out, "--resume", "--quiet"], directory: directory).wait()
                #expect(status == 0)
                #expect(try text(runDirectory, "results.csv") == reference, "kill after \(delay) s")
            }
        }
    }

    @Test("SIGINT finishes the current step, keeps finished trials and exits 130; --resume completes the run")
    func interruptAndResume() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": slowSweepSpec])
        defer { fixture.remove() }
        let directory = fixture.directory
        #expect(try InvlabProcess(["run", "spec.yaml", "--out", "reference", "--quiet"], directory: directory).wait() == 0)
        let runDirectory = directory.appendingPathComponent("interrupted")
        let running = try InvlabProcess(["run", "spec.yaml", "--out", "interrupted", "--quiet"], directory: directory)
        let deadline = Date().addingTimeInterval(60)
        while recordedTrials(runDirectory) < 1 && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        kill(running.process.processIdentifier, SIGINT)
        let status = running.wait()
        if recordedTrials(runDirectory) < 4 {
            #expect(status == 130)
            #expect(try text(runDirectory, "run.json").contains("\"status\": \"interrupted\""))
        }
        #expect(try InvlabProcess(["run", "spec.yaml", "--out", "interrupted", "--resume", "--quiet"], directory: directory).wait() == 0)
        #expect(try text(runDirectory, "results.csv") == text(directory.appendingPathComponent("reference"), "results.csv"))
    }

    @Test("the resume hint after Ctrl-C keeps the --set overrides; --resume without them re-applies them")
    func resumeHintKeepsOverrides() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": slowSweepSpec])
        defer { fixture.remove() }
        let runDirectory = fixture.directory.appendingPathComponent("interrupted")
        let running = try InvlabProcess(["run", "spec.yaml", "--out", "interrupted", "--quiet", "--set", "attack.optimizer.lr=0.2"],
                                        directory: fixture.directory)
        let deadline = Date().addingTimeInterval(120)
        while recordedTrials(runDirectory) < 1 && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        kill(running.process.processIdentifier, SIGINT)
        let interrupted = running.finish()
        guard recordedTrials(runDirectory) < 4 else { return }   // finished before the interrupt arrived
        #expect(interrupted.status == 130)
        #expect(interrupted.errors.contains("continue with: invlab run spec.yaml --set attack.optimizer.lr=0.2 --out \(runDirectory.path) --resume"),
                "\(interrupted.errors)")
        let resumed = try InvlabProcess(["run", "spec.yaml", "--out", "interrupted", "--resume", "--quiet"], directory: fixture.directory).finish()
        #expect(resumed.status == 0, "\(resumed.errors)")
        #expect(resumed.errors.contains("resume: re-applying the --set overrides stored in run.json: --set attack.optimizer.lr=0.2"))
    }

    @Test("a bad spec exits 64 before anything is built, a memory guard refusal is a clear error")
    func exitCodes() throws {
        let fixture = try SpecFixture(files: ["bad.yaml": tiny(replacing: "seed: 3", with: "sed: 3"), "spec.yaml": tinySpec])
        defer { fixture.remove() }
        #expect(try InvlabProcess(["validate", "bad.yaml"], directory: fixture.directory).wait() == 64)
        #expect(try InvlabProcess(["run", "bad.yaml"], directory: fixture.directory).wait() == 64)
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.appendingPathComponent("runs").path))
        let refused = try InvlabProcess(["run", "spec.yaml", "--out", "run", "--quiet", "--set", "data.source.height=256",
                                         "--set", "data.source.width=256"], directory: fixture.directory,
                                        extraEnvironment: ["INVLAB_MEMORY_LIMIT_MB": "1"])
        #expect(refused.wait() == 1)
        let csv = try text(fixture.directory.appendingPathComponent("run"), "results.csv")
        #expect(csv.contains("models: training the target needs about"))
    }
}
