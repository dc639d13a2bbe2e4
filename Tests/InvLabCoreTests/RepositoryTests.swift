import Foundation
import InvLabBuiltins
import InvLabCLI
import InvLabCore
import InvLabSpec
import Testing

/// The repository root, found from this file's location.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Every spec under Experiments/ (except inherited base files, which are not experiments on their own).
func experimentSpecs() -> [URL] {
    let directory = repositoryRoot.appendingPathComponent("Experiments")
    guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
    return enumerator.compactMap { $0 as? URL }
        .filter { $0.pathExtension == "yaml" && !$0.lastPathComponent.hasPrefix("_") }
        .sorted { $0.path < $1.path }
}

/// The worked example of "Attack your own model".
let byoSpec = "Experiments/byo/attack_my_model.yaml"

/// Which input files a spec of the repository must have to validate: all of them, except that the
/// worked example's model is made by its training script (Experiments/byo), so without it only its
/// data inputs are checked (`byoSpecNamesTheMissingModel` checks the message for the missing model).
func validationScope(_ spec: String) -> InputPath.Scope {
    let model = repositoryRoot.appendingPathComponent("Experiments/byo/face_classifier.onnx")
    return spec.hasSuffix(byoSpec) && !FileManager.default.fileExists(atPath: model.path) ? .data : .all
}

func pythonCanImport(_ module: String) -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import \(module)"]
    process.standardError = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    do { try process.run() } catch { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}

@Suite("Repository: the plugin catalogue, Experiments, schema")
struct RepositoryTests {
    @Test("docs/catalogue.md is `invlab plugins --markdown`")
    func catalogue() throws {
        let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/catalogue.md"), encoding: .utf8)
        let begin = "<!-- plugin-catalogue:begin -->\n", end = "<!-- plugin-catalogue:end -->"
        let start = try #require(readme.range(of: begin)), stop = try #require(readme.range(of: end))
        let section = String(readme[start.upperBound..<stop.lowerBound])
        let expected = PluginCatalogue.markdown(try Builtins.registries())
        #expect(section == expected.trimmingTrailingNewlines + "\n", "docs/catalogue.md is stale: run `make catalogue`")
    }

    @Test("every spec in Experiments/ validates")
    func experimentsValidate() throws {
        let specs = experimentSpecs()
        #expect(specs.count >= 5)
        for spec in specs {
            do {
                _ = try SpecLoader.load(file: spec.path, registries: try Builtins.registries(), inputs: validationScope(spec.path))
            } catch let error as SpecLoadError {
                Issue.record("\(spec.lastPathComponent) is invalid:\n\(error.rendered)")
            }
        }
    }


    @Test("Without its trained model, the worked example fails validation at target.path with the command that makes the model")
    func byoSpecNamesTheMissingModel() throws {
        let model = repositoryRoot.appendingPathComponent("Experiments/byo/face_classifier.onnx")
        // A copy of the spec beside a missing model (the repository's may hold a trained one).
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("invlab-byo-\(UUID().uuidString)")
        let byo = directory.appendingPathComponent("Experiments/byo"), orl = directory.appendingPathComponent("Experiments/orl")
        try FileManager.default.createDirectory(at: byo, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: orl, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(byoSpec), to: byo.appendingPathComponent("attack_my_model.yaml"))
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("Experiments/orl/_base.yaml"), to: orl.appendingPathComponent("_base.yaml"))
        let file = byo.appendingPathComponent("attack_my_model.yaml").path
        #expect(!FileManager.default.fileExists(atPath: byo.appendingPathComponent(model.lastPathComponent).path))
        let error = try #require(throws: SpecLoadError.self) { try SpecLoader.load(file: file, registries: try Builtins.registries()) }
        #expect(error.error.diagnostics.map(\.message) == ["file 'face_classifier.onnx' does not exist (resolved to \(byo.path)/face_classifier.onnx)"])
        #expect(error.error.diagnostics.first?.path?.description == "target.path")
        #expect(error.error.diagnostics.first?.notes.first == "the model's ONNX file: export it with torch.onnx.export "
            + "(Experiments/byo/train_face_classifier.py trains a face classifier on a spec's data and exports it)")
        // The data alone (what `invlab data export` needs to train the model) loads.
        let loaded = try SpecLoader.load(file: file, registries: try Builtins.registries(), inputs: .data)
        #expect(loaded.trials.count == 3)
    }

    @Test("`invlab schema` accepts every spec in Experiments/ (checked with Python's jsonschema)",
          .enabled(if: pythonCanImport("jsonschema"), "python3 -m pip install jsonschema to run this check"))
    func schemaValidatesExperiments() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("invlab-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(ExperimentSchema.document(try Builtins.registries()).serialized(pretty: true).utf8)
            .write(to: directory.appendingPathComponent("schema.json"))
        var names: [String] = []
        for (index, spec) in experimentSpecs().enumerated() {
            let root = try SpecComposer(cache: SourceCache()).compose(file: spec.path)
            let name = "spec\(index).json"
            try Data(JSONValue(root).serialized(pretty: false).utf8).write(to: directory.appendingPathComponent(name))
            names.append(name)
        }
        let script = """
        import json, sys, jsonschema
        schema = json.load(open('schema.json'))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        bad = 0
        for name in sys.argv[1:]:
            for error in validator.iter_errors(json.load(open(name))):
                bad += 1
                print(name, '/'.join(map(str, error.absolute_path)), error.message[:300])
        sys.exit(1 if bad else 0)
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + names
        process.currentDirectoryURL = directory
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "schema rejects: \(output)")
        // A misspelt key is rejected by the schema too.
        let bad = "{\"version\": 1, \"name\": \"x\", \"data\": {\"source\": {\"type\": \"orl\", \"colour\": 1}}}"
        try Data(bad.utf8).write(to: directory.appendingPathComponent("bad.json"))
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", script, "bad.json"]
        check.currentDirectoryURL = directory
        check.standardOutput = FileHandle.nullDevice
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus != 0)
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var text = self
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
