import Foundation
import InvLabJSON
import InvLabCore
import Testing

/// Runs the release `invlab` in `directory`, with the model cache `directory/cache`.
func invlab(_ arguments: [String], in directory: URL) throws -> ProcessOutput {
    try runProcess(invlabBinary!, arguments, directory: directory, environment: ["INVLAB_CACHE_DIR": directory.appendingPathComponent("cache").path])
}

@Suite("invlab plan, prepare, run --shard, merge and status", .enabled(if: invlabBinary != nil, "set INVLAB_BINARY to a release invlab (make test does)"))
struct ShardCommandTests {
    @Test("bad --shard, --chunk 0, a shard without --out and a merge with units missing: one line each, exit 64, nothing written")
    func badInput() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": shardSpec])
        defer { fixture.remove() }
        let cases: [([String], String)] = [
            (["run", "spec.yaml", "--out", "r", "--shard", "3/2"], "error: --shard 3/2: shard numbers run from 1 to 2\n"),
            (["run", "spec.yaml", "--out", "r", "--shard", "1/2", "--chunk", "0"], "error: --chunk must be at least 1 identity per unit, got 0\n"),
            (["run", "spec.yaml", "--shard", "1/2"], "error: --shard needs --out DIR, the run directory every shard shares\n"),
            (["plan", "spec.yaml", "--chunk", "0"], "error: --chunk must be at least 1 identity per unit, got 0\n"),
        ]
        for (arguments, message) in cases {
            let result = try invlab(arguments, in: fixture.directory)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.errors == message, "\(arguments)")
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.path("r")))
        #expect(try invlab(["run", "spec.yaml", "--out", "r", "--shard", "1/2", "--chunk", "3", "--quiet"], in: fixture.directory).status == 0)
        let merge = try invlab(["merge", "r"], in: fixture.directory)
        #expect(merge.status == 64)
        #expect(merge.errors.hasPrefix("error: cannot merge \(fixture.path("r")): 2 of 4 units are not done: t0000-c0001 (missing), t0001-c0001 (missing)"))
        #expect(!FileManager.default.fileExists(atPath: fixture.path("r/results.csv")))
        let status = try invlab(["status", "r", "--json"], in: fixture.directory)
        #expect(status.status == 1)
        let json = try JSONValue.parse(Data(status.output.utf8))
        #expect(json["counts"] == ["done": 2, "failed": 0, "missing": 2, "running": 0])
        // The second shard finishes the run and merges it; status then exits 0.
        let last = try invlab(["run", "spec.yaml", "--out", "r", "--shard", "2/2", "--chunk", "3", "--quiet"], in: fixture.directory)
        #expect(last.status == 0)
        #expect(last.output.contains("merged: every unit is done"))
        #expect(try invlab(["status", "r"], in: fixture.directory).status == 0)
        #expect(FileManager.default.fileExists(atPath: fixture.path("r/results.csv")))
    }

    @Test("several `invlab prepare` processes on one cold cache make each model once, the others wait and load it")
    func concurrentPrepare() throws {
        // Training long enough (about a second in a release build) that the processes overlap.
        let spec = shardSpec.replacingOccurrences(of: "target: {type: mlp, hidden: [16], train: {epochs: 3, batch_size: 8}}",
                                                  with: "target: {type: mlp, hidden: [256], train: {epochs: 400, batch_size: 4}}")
        let fixture = try SpecFixture(files: ["spec.yaml": spec])
        defer { fixture.remove() }
        // Three processes started together, then waited for (their outputs are short).
        let processes = try (0..<3).map { _ -> (Process, Pipe) in
            let process = Process(), output = Pipe()
            process.executableURL = URL(fileURLWithPath: invlabBinary!)
            process.arguments = ["prepare", "spec.yaml", "--quiet"]
            process.currentDirectoryURL = fixture.directory
            process.environment = ProcessInfo.processInfo.environment.merging(["INVLAB_CACHE_DIR": fixture.path("cache")]) { _, new in new }
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            return (process, output)
        }
        let results: [ProcessOutput?] = processes.map { process, output in
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return ProcessOutput(status: process.terminationStatus, output: text, errors: "")
        }
        var made: [String] = []
        for result in results {
            #expect(result?.status == 0, "\(result?.errors ?? "no result")")
            let line = result?.output.split(separator: "\n").first { $0.hasPrefix("prepared: made") } ?? ""
            if let open = line.firstIndex(of: "("), let close = line.firstIndex(of: ")") {
                made += line[line.index(after: open)..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            }
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: fixture.path("cache")).filter { $0.hasSuffix(".safetensors") }
        #expect(!files.isEmpty)
        #expect(made.count == files.count, "every cache entry was made by exactly one process: made \(made)")
        #expect(Set(made) == Set(files.map { String($0.dropLast(".safetensors".count)) }))
    }
}
