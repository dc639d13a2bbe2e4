import Foundation
import InvLabBuiltins
import InvLabCore

/// Writes `yaml` as `spec.yaml` in `directory` and runs it there (data, run and cache under
/// `directory`, no progress output): the end-to-end runs of the onnx recognizer's tests.
func runSpec(_ yaml: String, in directory: URL) throws -> RunSummary {
    let specFile = directory.appendingPathComponent("spec.yaml")
    try yaml.write(to: specFile, atomically: true, encoding: .utf8)
    let loaded = try SpecLoader.load(file: specFile.path, overrides: [], registries: try Builtins.registries())
    var options = RunOptions(dataDirectory: directory.appendingPathComponent("data"))
    options.outDirectory = directory.appendingPathComponent("run")
    options.cacheDirectory = directory.appendingPathComponent("cache")
    options.progress = .quiet
    return try ExperimentRunner(loaded: loaded, registries: try Builtins.registries(), options: options).run()
}
