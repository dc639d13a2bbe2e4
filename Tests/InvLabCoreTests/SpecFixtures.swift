import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabSpec

/// Spec files written to a fresh temporary directory, loaded with the built-in plugins.
struct SpecFixture {
    let directory: URL

    init(files: [String: String]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("invlab-core-\(UUID().uuidString)")
        for (name, text) in files {
            let url = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Loads `name`; on failure returns the rendered diagnostics with the directory prefix removed.
    func diagnostics(_ name: String = "spec.yaml", overrides: [String] = []) throws -> String? {
        do {
            _ = try SpecLoader.load(file: path(name), overrides: overrides, registries: try Builtins.registries())
            return nil
        } catch let error as SpecLoadError {
            return error.rendered.replacingOccurrences(of: directory.path + "/", with: "")
        }
    }

    func load(_ name: String = "spec.yaml", overrides: [String] = []) throws -> LoadedSpec {
        try SpecLoader.load(file: path(name), overrides: overrides, registries: try Builtins.registries())
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// A small valid spec that runs in about a second in a debug build: synthetic faces, a softmax
/// target, an MLP evaluator and a short MI-FACE attack.
let tinySpec = """
version: 1
name: tiny
seed: 3
data:
  source: {type: synthetic_faces, identities: 4, images_per_identity: 4, height: 16, width: 12}
  train_per_identity: 3
target: {type: softmax_regression, train: {epochs: 3, batch_size: 4}}
evaluator: {type: mlp, hidden: [8], train: {epochs: 3, batch_size: 4}}
attack:
  type: gradient
  iterations: 6
  regularizers: [{type: total_variation, weight: 0.01}]
  optimizer: {type: gradient_descent, lr: 0.1}
metrics: [attack_accuracy, target_confidence, recognition_accuracy, cost]
output: {images: true, report: false}

"""
