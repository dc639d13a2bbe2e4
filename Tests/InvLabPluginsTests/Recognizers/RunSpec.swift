import Foundation
import InvLabBuiltins
import InvLabCore

/// Writes `yaml` as `spec.yaml` (or `<name>.yaml`) in `directory` and runs it there into `run`
/// (or `run-<name>`), with data and cache under `directory` and no progress output: the
/// end-to-end runs of the onnx recognizer's tests.
func runSpec(_ yaml: String, in directory: URL, name: String? = nil) throws -> RunSummary {
    let specFile = directory.appendingPathComponent("\(name ?? "spec").yaml")
    try yaml.write(to: specFile, atomically: true, encoding: .utf8)
    let loaded = try SpecLoader.load(file: specFile.path, overrides: [], registries: try Builtins.registries())
    var options = RunOptions(dataDirectory: directory.appendingPathComponent("data"))
    options.outDirectory = directory.appendingPathComponent(name.map { "run-\($0)" } ?? "run")
    options.cacheDirectory = directory.appendingPathComponent("cache")
    options.progress = .quiet
    return try ExperimentRunner(loaded: loaded, registries: try Builtins.registries(), options: options).run()
}
