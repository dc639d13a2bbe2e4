import ArgumentParser
import Foundation
@testable import InvLabCLI
import Testing

/// A setup whose paths hold spaces and whose override holds quotes, brackets and a space.
private func awkwardSetup(tasks: Int = 4, chunk: Int? = 3, options: SlurmJobOptions = SlurmJobOptions()) -> SlurmRunSetup {
    SlurmRunSetup(binary: "/opt/invlab tools/bin/invlab", submitDirectory: "/home/ana/my project",
                  spec: "specs/lambda sweep.yaml", overrides: [#"sweep["defense.lambda"]=[0.1, 0.2]"#, "attack.iterations=5"],
                  runDirectory: "/scratch/ana/runs 2026/r1", name: "sweep", tasks: tasks, chunk: chunk, options: options)
}

/// Runs `script` with bash, its invlab replaced by a stub that prints its arguments one per
/// line and then INVLAB_THREADS; returns what the stub printed (the script's own echo removed).
private func runWithStub(_ script: String, binary: String, environment: [String: String]) throws -> [String] {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("invlab-slurm-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let stub = directory.appendingPathComponent("stub.sh")
    try "#!/bin/bash\nprintf 'arg:%s\\n' \"$@\"\necho \"threads:${INVLAB_THREADS-unset}\"\n".write(to: stub, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stub.path)
    let file = directory.appendingPathComponent("job.sbatch")
    try script.replacingOccurrences(of: shellQuotedForTest(binary), with: shellQuotedForTest(stub.path)).write(to: file, atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [file.path]
    process.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("invlab: ") }
}

private func shellQuotedForTest(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

private func directives(_ script: String) -> [String] {
    script.split(separator: "\n").filter { $0.hasPrefix("#SBATCH ") }.map { String($0.dropFirst("#SBATCH ".count)) }
}

@Suite("invlab slurm: batch scripts")
struct SlurmScriptTests {
    @Test("the chain: prepare, then the array after it, then the merge after the array (afterok)")
    func chain() throws {
        let setup = awkwardSetup()
        let prepare = try SlurmScripts.prepare(setup), units = try SlurmScripts.units(setup, shards: [1, 2, 3, 4])
        let merge = try SlurmScripts.merge(setup)
        #expect(SlurmScripts.sbatchArguments(script: "/r/slurm/prepare.sbatch", after: nil) == ["--parsable", "/r/slurm/prepare.sbatch"])
        #expect(SlurmScripts.sbatchArguments(script: "/r/slurm/units.sbatch", after: "41")
            == ["--parsable", "--dependency=afterok:41", "/r/slurm/units.sbatch"])
        #expect(!directives(prepare).contains { $0.hasPrefix("--array") })
        #expect(directives(units).contains("--array=0-3"))
        #expect(!directives(merge).contains { $0.hasPrefix("--array") })
        #expect(prepare.contains(" prepare 'specs/lambda sweep.yaml' --set "))
        #expect(merge.contains("exec '/opt/invlab tools/bin/invlab' merge '/scratch/ana/runs 2026/r1'\n"))
        for script in [prepare, units, merge] {
            #expect(script.hasPrefix("#!/bin/bash\n"))
            #expect(script.contains("\nset -euo pipefail\n"))
            // sbatch stops reading #SBATCH lines at the first command: every directive comes first.
            let lines = script.split(separator: "\n")
            let firstCommand = lines.firstIndex { !$0.hasPrefix("#") }!
            #expect(lines[firstCommand...].allSatisfy { !$0.hasPrefix("#SBATCH") })
        }
    }

    @Test("array ranges: task i is shard i+1; resubmissions list only the unfinished shards")
    func arrayRanges() throws {
        #expect(SlurmScripts.arrayIndices(shards: [1, 2, 3, 4]) == "0-3")
        #expect(SlurmScripts.arrayIndices(shards: [2, 4]) == "1,3")
        #expect(SlurmScripts.arrayIndices(shards: [5, 1, 2, 3]) == "0-2,4")
        #expect(SlurmScripts.arrayIndices(shards: [7]) == "6")
        #expect(directives(try SlurmScripts.units(awkwardSetup(), shards: [2, 4])).contains("--array=1,3"))
        #expect(throws: SlurmInputError("shards to run must lie in 1...4, got [5]")) { try SlurmScripts.units(awkwardSetup(), shards: [5]) }
    }

    @Test("paths with spaces and --set values with quotes and brackets reach invlab as single arguments")
    func quoting() throws {
        let setup = awkwardSetup()
        let units = try SlurmScripts.units(setup, shards: [1, 2, 3, 4])
        #expect(directives(units).contains(#"--chdir="/home/ana/my project""#))
        #expect(directives(units).contains(#"--output="/scratch/ana/runs 2026/r1/slurm/logs/%A_%a.out""#))
        #expect(directives(units).contains("--job-name=invlab-units-sweep"))
        let printed = try runWithStub(units, binary: setup.binary, environment: ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_JOB_ID": "7"])
        #expect(printed == ["arg:run", "arg:specs/lambda sweep.yaml", "arg:--out", "arg:/scratch/ana/runs 2026/r1", "arg:--shard", "arg:3/4",
                            "arg:--chunk", "arg:3", "arg:--set", #"arg:sweep["defense.lambda"]=[0.1, 0.2]"#, "arg:--set",
                            "arg:attack.iterations=5", "arg:--quiet", "threads:unset"])
        let prepare = try runWithStub(try SlurmScripts.prepare(setup), binary: setup.binary, environment: ["SLURM_JOB_ID": "6"])
        #expect(prepare == ["arg:prepare", "arg:specs/lambda sweep.yaml", "arg:--set", #"arg:sweep["defense.lambda"]=[0.1, 0.2]"#,
                            "arg:--set", "arg:attack.iterations=5", "threads:unset"])
        // sbatch's #SBATCH values: double quotes, backslash escapes; a literal % doubled in --output.
        #expect(SlurmScripts.directiveQuoted(#"a"b\c"#) == #""a\"b\\c""#)
        #expect(SlurmScripts.directiveQuoted("--comment=x y") == #"--comment="x y""#)
        var percent = setup
        percent.runDirectory = "/scratch/100%/r"
        #expect(directives(try SlurmScripts.merge(percent)).contains("--output=/scratch/100%%/r/slurm/logs/merge_%j.out"))
    }

    @Test("threads per task come from SLURM_CPUS_PER_TASK")
    func threads() throws {
        let setup = awkwardSetup(options: SlurmJobOptions(cpusPerTask: 3))
        let units = try SlurmScripts.units(setup, shards: [1, 2, 3, 4])
        #expect(directives(units).contains("--cpus-per-task=3"))
        #expect(units.contains(#"if [ -n "${SLURM_CPUS_PER_TASK:-}" ]; then export INVLAB_THREADS="$SLURM_CPUS_PER_TASK"; fi"#))
        let printed = try runWithStub(units, binary: setup.binary,
                                      environment: ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_JOB_ID": "7", "SLURM_CPUS_PER_TASK": "3"])
        #expect(printed.last == "threads:3")
        #expect(printed.contains("arg:1/4"))
    }

    @Test("sbatch options: partition, time, mem, account and --extra-sbatch become #SBATCH lines")
    func extraOptions() throws {
        let options = SlurmJobOptions(partition: "gpu", time: "2:00:00", cpusPerTask: 2, mem: "8G", account: "proj-42",
                                      extra: ["--qos=high --gres=gpu:1", "--constraint 'a100|h100' --comment \"two words\""])
        let lines = directives(try SlurmScripts.prepare(awkwardSetup(options: options)))
        #expect(Array(lines.suffix(9)) == ["--cpus-per-task=2", "--partition=gpu", "--time=2:00:00", "--mem=8G", "--account=proj-42",
                                           "--qos=high", "--gres=gpu:1", #"--constraint "a100|h100""#, #"--comment "two words""#])
        #expect(throws: SlurmInputError("--extra-sbatch expects sbatch options such as '--qos=high', got 'qos=high'")) {
            try SlurmScripts.extraDirectives(["qos=high"])
        }
        #expect(throws: SlurmInputError("--extra-sbatch '--comment \"x': unbalanced quote or trailing backslash")) {
            try SlurmScripts.extraDirectives(["--comment \"x"])
        }
        let overridden = options.overridden(by: SlurmJobOptions(time: "4:00:00"))
        #expect(overridden.time == "4:00:00" && overridden.partition == "gpu" && overridden.extra == options.extra)
    }

    @Test("no absolute path in the scripts but the binary, the submit directory and the run directory")
    func absolutePaths() throws {
        let setup = SlurmRunSetup(binary: "/opt/bin/invlab", submitDirectory: "/home/ana/project", spec: "Experiments/quickstart.yaml",
                                  overrides: ["attack.iterations=5"], runDirectory: "/home/ana/project/runs/quickstart/20261204-101500",
                                  name: "quickstart", tasks: 2, chunk: nil, options: SlurmJobOptions(cpusPerTask: 1))
        for script in [try SlurmScripts.prepare(setup), try SlurmScripts.units(setup, shards: [1, 2]), try SlurmScripts.merge(setup)] {
            var rest = script
            for (allowed, name) in [(setup.runDirectory, "RUN"), (setup.binary, "BIN"), (setup.submitDirectory, "SUBMIT")] {
                rest = rest.replacingOccurrences(of: allowed, with: name)
            }
            rest = rest.replacingOccurrences(of: "#!/bin/bash", with: "")
            let absolute = try NSRegularExpression(pattern: #"(^|[\s'"=])/[A-Za-z]"#)
            #expect(absolute.firstMatch(in: rest, range: NSRange(rest.startIndex..., in: rest)) == nil, "\(rest)")
            #expect(!script.contains("localhost") && !script.contains("127.0.0.1"))
            #expect(!script.contains("--chunk"))
        }
    }

    @Test("bad numbers and line breaks: one-line messages")
    func badInput() throws {
        #expect(throws: SlurmInputError("--tasks must be at least 1, got 0")) { try SlurmScripts.checkCounts(tasks: 0, chunk: nil, cpusPerTask: nil) }
        #expect(throws: SlurmInputError("--chunk must be at least 1 identity per unit, got 0")) { try SlurmScripts.checkCounts(tasks: 4, chunk: 0, cpusPerTask: nil) }
        #expect(throws: SlurmInputError("--cpus-per-task must be at least 1, got 0")) {
            try SlurmScripts.checkCounts(tasks: 4, chunk: nil, cpusPerTask: 0)
        }
        var broken = awkwardSetup()
        broken.overrides = ["a=1\nrm -rf ~"]
        #expect(throws: SlurmInputError("--set must not contain a line break")) { try SlurmScripts.prepare(broken) }
        broken = awkwardSetup(options: SlurmJobOptions(partition: ""))
        #expect(throws: SlurmInputError("--partition must not be empty")) { try SlurmScripts.units(broken, shards: [1]) }
        // In process: the commands exit 64 on these, before loading the spec.
        for arguments in [["slurm", "submit", "missing.yaml", "--tasks", "0"], ["slurm", "submit", "missing.yaml", "--chunk", "0", "--dry-run"],
                          ["slurm", "resubmit", "/nonexistent/run", "--dry-run"]] {
            var command = try InvlabCommand.parseAsRoot(arguments)
            #expect(throws: ExitCode(64)) { try command.run() }
        }
    }

    @Test("resubmit reruns the shards with failed or missing units, not those still running")
    func resubmitState() throws {
        let json = #"""
        {"run": "/r", "shards": 4, "chunk": 2, "units": [
          {"id": "t0001-c0000", "trial": 1, "shard": 1, "state": "done"},
          {"id": "t0001-c0001", "trial": 1, "shard": 2, "state": "failed"},
          {"id": "t0002-c0000", "trial": 2, "shard": 3, "state": "running"},
          {"id": "t0002-c0001", "trial": 2, "shard": 4, "state": "missing"},
          {"id": "t0003", "trial": 3, "shard": 1, "state": "done"},
          {"id": "t0004", "trial": 4, "shard": 2, "state": "missing"},
          {"id": "t0005", "trial": 5, "shard": 3, "state": "failed"}],
         "counts": {"done": 2, "running": 1, "failed": 2, "missing": 2}}
        """#
        let state = try JSONDecoder().decode(SlurmRunState.self, from: Data(json.utf8))
        #expect(state.shards == 4 && state.chunk == 2)
        #expect(state.shardsToRerun == [2, 4])
        #expect(SlurmScripts.arrayIndices(shards: state.shardsToRerun) == "1,3")
        #expect(state.unfinished.count == 5)
        let done = SlurmRunState(shards: 2, chunk: nil, units: [.init(id: "t0001", shard: 1, state: "done")])
        #expect(done.shardsToRerun.isEmpty && done.unfinished.isEmpty)
    }
}

/// The release binary, for what only a process shows: the exact stderr line, nothing written.
@Suite("invlab slurm: bad input through the binary", .enabled(if: invlabBinary != nil, "set INVLAB_BINARY to a release invlab (make test does)"))
struct SlurmBinaryTests {
    func run(_ arguments: [String], path: String) throws -> ProcessOutput {
        try runProcess(invlabBinary!, arguments, directory: repositoryRoot, environment: ["PATH": path])
    }

    @Test("sbatch missing from PATH, --tasks 0, --chunk 0: one line, exit 64, nothing written")
    func badInput() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("invlab-slurm-\(UUID().uuidString)/run dir")
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("invlab-empty-path-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let cases: [([String], String)] = [
            (["slurm", "submit", "Experiments/quickstart.yaml", "--out", out.path],
             "error: sbatch not found on PATH: invlab slurm submit needs Slurm's client commands (--dry-run only prints the scripts)\n"),
            (["slurm", "submit", "Experiments/quickstart.yaml", "--out", out.path, "--tasks", "0"], "error: --tasks must be at least 1, got 0\n"),
            (["slurm", "submit", "Experiments/quickstart.yaml", "--out", out.path, "--chunk", "0", "--dry-run"],
             "error: --chunk must be at least 1 identity per unit, got 0\n"),
            (["slurm", "submit", "Experiments/quickstart.yaml", "--out", out.path, "--extra-sbatch", "qos=high", "--dry-run"],
             "error: --extra-sbatch expects sbatch options such as '--qos=high', got 'qos=high'\n"),
            (["slurm", "resubmit", out.path], "error: \(out.path) holds no slurm/submit.json: not a run made by invlab slurm submit\n"),
        ]
        for (arguments, message) in cases {
            let result = try run(arguments, path: empty.path)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.errors == message)
            #expect(result.output.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: out.path))
        }
    }

    @Test("--dry-run prints the three scripts and the afterok chain, writes nothing")
    func dryRun() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("invlab-slurm-\(UUID().uuidString)/run dir")
        let result = try run(["slurm", "submit", "Experiments/quickstart.yaml", "--out", out.path, "--tasks", "3", "--chunk", "2",
                              "--set", "attack.iterations=5", "--cpus-per-task", "2", "--dry-run"], path: "/usr/bin:/bin")
        #expect(result.status == 0, "\(result.errors)")
        let slurm = out.appendingPathComponent("slurm").path
        #expect(result.output.contains("# \(slurm)/prepare.sbatch (--dry-run: not written)\n#!/bin/bash\n"))
        #expect(result.output.contains("#SBATCH --array=0-2\n"))
        #expect(result.output.contains("#SBATCH --chdir=\(repositoryRoot.path)\n") || result.output.contains("#SBATCH --chdir=\"\(repositoryRoot.path)\"\n"))
        #expect(result.output.contains("exec \(invlabBinaryResolved) run Experiments/quickstart.yaml --out '\(out.path)' --shard \"$shard/3\" --chunk 2 --set attack.iterations=5 --quiet\n"))
        #expect(result.output.hasSuffix("""
            would run: sbatch --parsable '\(slurm)/prepare.sbatch'
            would run: sbatch --parsable '--dependency=afterok:<prepare job id>' '\(slurm)/units.sbatch'
            would run: sbatch --parsable '--dependency=afterok:<units job id>' '\(slurm)/merge.sbatch'

            """))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    var invlabBinaryResolved: String { URL(fileURLWithPath: invlabBinary!).resolvingSymlinksInPath().path }
}
