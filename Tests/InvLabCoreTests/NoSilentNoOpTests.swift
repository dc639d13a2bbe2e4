import ArgumentParser
import Foundation
import InvLabCLI
import InvLabCore
import InvLabSpec
import Testing

/// The rendered diagnostics of loading `name`, with the fixture directory written as `DIR`
/// (nil when the spec is valid). Unlike `SpecFixture.diagnostics`, absolute paths stay visible.
func diagnosticsWithDirectory(_ fixture: SpecFixture, _ name: String = "spec.yaml") throws -> String? {
    do {
        _ = try fixture.load(name)
        return nil
    } catch let error as SpecLoadError {
        return error.rendered.replacingOccurrences(of: fixture.directory.path, with: "DIR")
    }
}

/// Items of the issue "The researcher's path: no silent no-ops": files a plugin will read are
/// checked at validation, `verify --run` refuses another spec's run, a run keeps its `--set`
/// overrides for `--resume`, and the command line reports its version.
@Suite("The researcher's path: no silent no-ops")
struct NoSilentNoOpTests {
    @Test("a missing image_folder path is an error at the key that names the resolved path")
    func missingImageFolder() throws {
        let spec = tiny(replacing: "source: {type: synthetic_faces, identities: 4, images_per_identity: 4, height: 16, width: 12}",
                        with: "source: {type: image_folder, path: faces}")
        let fixture = try SpecFixture(files: ["spec.yaml": spec])
        defer { fixture.remove() }
        #expect(try diagnosticsWithDirectory(fixture) == """
            DIR/spec.yaml:5:38: error: folder 'faces' does not exist (resolved to DIR/faces) (at data.source.path)
                5 |   source: {type: image_folder, path: faces}
                  |                                      ^
            note: relative paths resolve against the directory of the spec file (DIR)
            """)
        try Data().write(to: fixture.directory.appendingPathComponent("faces"))
        #expect(try diagnosticsWithDirectory(fixture)?.contains("error: folder 'faces' is a file, not a folder (resolved to DIR/faces)") == true)
        try FileManager.default.removeItem(at: fixture.directory.appendingPathComponent("faces"))
        try FileManager.default.createDirectory(at: fixture.directory.appendingPathComponent("faces"), withIntermediateDirectories: true)
        #expect(try diagnosticsWithDirectory(fixture) == nil)
    }

    @Test("missing weights files are errors, also when a sweep value names them")
    func missingWeights() throws {
        let spec = tiny(replacing: "target: {type: softmax_regression,", with: "target: {type: softmax_regression, weights: /nonexistent/f.safetensors,")
            + "sweep: {evaluator.weights: [e.safetensors]}\n"
        let fixture = try SpecFixture(files: ["spec.yaml": spec])
        defer { fixture.remove() }
        #expect(try diagnosticsWithDirectory(fixture) == """
            DIR/spec.yaml:7:45: error: file '/nonexistent/f.safetensors' does not exist (at target.weights)
                7 | target: {type: softmax_regression, weights: /nonexistent/f.safetensors, train: {epochs: 3, batch_size: 4}}
                  |                                             ^
            DIR/spec.yaml:16:29: error: file 'e.safetensors' does not exist (resolved to DIR/e.safetensors) (at evaluator.weights)
               16 | sweep: {evaluator.weights: [e.safetensors]}
                  |                             ^
            note: relative paths resolve against the directory of the spec file (DIR)
            """)
    }

    @Test("verify --run refuses a run of another spec with exit 64, naming both spec hashes")
    func verifyRefusesAnotherSpecsRun() throws {
        let runInfo = #"{"name": "orl-other", "spec_hash": "0123456789abcdef", "trials": 21, "overrides": ["attack.iterations=5"]}"#
        let fixture = try SpecFixture(files: ["spec.yaml": tinySpec, "spec.expected.csv": "trial,metric,expected,tolerance\n0,attack_top1,0,1\n",
                                              "other/run.json": runInfo + "\n", "other/results.jsonl": ""])
        defer { fixture.remove() }
        let loaded = try fixture.load()
        let other = fixture.directory.appendingPathComponent("other")
        let mismatch = try #require(try RecordedRun(directory: other).mismatch(with: loaded, specPath: "spec.yaml"))
        #expect(mismatch.description == """
            error: \(other.path) is a run of another spec: the run has 'orl-other', spec hash 0123456789abcdef, 21 trials; spec.yaml has 'tiny', spec hash \(loaded.hash), 1 trial
            note: verify compares a spec's expected figures only with a run of that same spec; rerun it with `invlab verify spec.yaml` (without --run)
            note: the run was made with --set attack.iterations=5; verify checks the spec as published, without overrides
            """)
        var command = try InvlabCommand.parseAsRoot(["verify", fixture.path("spec.yaml"), "--run", other.path])
        let error = #expect(throws: ExitCode.self) { try command.run() }
        #expect(error?.rawValue == 64)
        // A run of the spec itself is accepted.
        let summary = try runSpec(fixture, out: "own")
        #expect(try RecordedRun(directory: summary.directory).mismatch(with: loaded, specPath: "spec.yaml") == nil)
    }

    @Test("run.json keeps the --set overrides, and --resume without --set re-applies them")
    func resumeReappliesOverrides() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": sweepSpec])
        defer { fixture.remove() }
        let overrides = ["attack.optimizer.lr=0.2"]
        let directory = fixture.directory.appendingPathComponent("partial")
        let interrupted = try runSpec(fixture, out: "partial", overrides: overrides, cancelled: { recordedTrials(directory) >= 1 })
        #expect(interrupted.interrupted)
        #expect(try RecordedRun(directory: directory).overrides == overrides)
        // Without the overrides the spec hash differs: that is the failure the stored overrides avoid.
        #expect(throws: RunDirectoryError.self) { try runSpec(fixture, out: "partial", resume: true) }
        let stored = RecordedRun.resumeOverrides(given: [], directory: directory)
        #expect(stored.overrides == overrides && stored.reapplied)
        let given = RecordedRun.resumeOverrides(given: ["seed=4"], directory: directory)
        #expect(given.overrides == ["seed=4"] && !given.reapplied)
        let resumed = try runSpec(fixture, out: "partial", overrides: stored.overrides, resume: true)
        #expect(!resumed.interrupted && resumed.outcomes.count == 3)
        #expect(try text(directory, "run.json").contains("\"overrides\": [\n    \"attack.optimizer.lr=0.2\"\n  ]"))
    }

    @Test("the resume hint carries the overrides, shell-quoted")
    func resumeHint() {
        #expect(ResumeHint.command(spec: "my spec.yaml", overrides: [#"sweep["defense.lambda"].step=0.1"#, "attack.iterations=5", "name=it's"],
                                   directory: "runs/x")
                == #"invlab run 'my spec.yaml' --set 'sweep["defense.lambda"].step=0.1' --set attack.iterations=5 --set 'name=it'\''s' --out runs/x --resume"#)
    }

    @Test("invlab --version prints the version and exits 0")
    func version() {
        do {
            _ = try InvlabCommand.parseAsRoot(["--version"])
            Issue.record("--version was not handled")
        } catch {
            #expect(InvlabCommand.exitCode(for: error) == .success)
            #expect(InvlabCommand.message(for: error) == Provenance.version)
        }
    }

    @Test("run.json states the exact Swift compiler version (the one `swift --version` reports)")
    func swiftVersion() throws {
        #expect(Provenance.swiftCompiler.range(of: #"^Swift 6\.\d+\.\d+"#, options: .regularExpression) != nil, "\(Provenance.swiftCompiler)")
        // The toolchain on the PATH normally built these tests; then the versions must agree.
        guard let output = try? runProcess("/usr/bin/env", ["swift", "--version"]), output.status == 0,
              let match = (output.output + output.errors).range(of: #"Swift version \d+\.\d+(\.\d+)?"#, options: .regularExpression) else { return }
        var reported = String((output.output + output.errors)[match].dropFirst("Swift version ".count))
        if reported.split(separator: ".").count == 2 { reported += ".0" }
        #expect(Provenance.swiftCompiler.hasPrefix("Swift \(reported)"), "compiled as \(Provenance.swiftCompiler), swift --version says \(reported)")
    }
}
