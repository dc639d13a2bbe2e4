import Foundation
import InvLabJSON
import InvLabNN
import InvLabSpec

/// Which trained model of a run `invlab export` takes out.
public enum ExportedModelRole: String, CaseIterable, Sendable {
    /// The attacked model f, as trained (with training-time defenses).
    case target
    /// The evaluation classifier (the target itself when the spec has no `evaluator:`).
    case evaluator
    /// The dummy recognizer f' of the `dummy_recognizer` defense.
    case dummy

    /// The role named `text` (the value of `--model`), or an error listing the roles.
    public static func parse(_ text: String) throws -> ExportedModelRole {
        guard let role = ExportedModelRole(rawValue: text) else {
            throw RunModelError("unknown --model '\(text)'; expected \(allCases.map(\.rawValue).joined(separator: ", ").replacingOccurrences(of: ", dummy", with: " or dummy"))")
        }
        return role
    }
}

/// Why a run's model cannot be exported; the message says what to do.
public struct RunModelError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The trained models of a finished run, found again without training anything: the run's
/// `spec.resolved.yaml` is rebuilt into its trials' recipes, whose cache keys locate the
/// weights in the model cache (opened read-only, so a missing model is an error, never a
/// silent retraining).
public enum RunModels {
    /// The network of `role` in trial `trial` of the run in `runDirectory`.
    ///
    /// `dummyNetwork` finds f' in the trial's published model (the defense module answers
    /// it as an attachment); `cacheDirectory` overrides the spec's cache (as `invlab run --cache`).
    public static func network(runDirectory: URL, trial: Int, role: ExportedModelRole, registries: Registries,
                               dataDirectory: URL, cacheDirectory: URL? = nil,
                               dummyNetwork: (any PublishedModel) -> Network?) throws -> Network {
        let resolved = runDirectory.appendingPathComponent("spec.resolved.yaml")
        guard FileManager.default.fileExists(atPath: runDirectory.appendingPathComponent("run.json").path) else {
            throw RunModelError("\(runDirectory.path) holds no run.json; is it a run directory?")
        }
        guard FileManager.default.fileExists(atPath: resolved.path) else {
            throw RunModelError("\(runDirectory.path) holds no spec.resolved.yaml, which says how its models were made")
        }
        // Relative input paths (an onnx recognizer's file) resolve against the spec the run was made from.
        let loaded = try SpecLoader.load(file: resolved.path, overrides: [], registries: registries,
                                         inputDirectory: originalSpecDirectory(runDirectory))
        var options = RunOptions(dataDirectory: dataDirectory)
        options.cacheDirectory = cacheDirectory
        options.cacheReadOnly = true
        options.progress = .quiet
        let runner = ExperimentRunner(loaded: loaded, registries: registries, options: options)
        guard let sweepTrial = loaded.trials.first(where: { $0.index == trial }) else {
            let last = (loaded.trials.map(\.index).max() ?? 0)
            throw RunModelError("the run \(runDirectory.path) has no trial \(trial); its trials are 0 to \(last)")
        }
        let plan = try runner.plan(of: sweepTrial)
        if role == .dummy && !plan.spec.defense.defenses.contains(where: { $0.id == "dummy_recognizer" }) {
            let defenses = plan.spec.defense.defenses.map(\.id)
            throw RunModelError("trial \(trial) of \(runDirectory.path) has no dummy recognizer: its spec has no dummy_recognizer defense "
                + "(defenses: \(defenses.isEmpty ? "none" : defenses.joined(separator: ", ")))")
        }
        let rerun = "`invlab run \(resolved.path)` (or `invlab prepare` for a sharded run)"
        do {
            let execution = TrialExecution(plan: plan, environment: runner.environment, registries: registries)
            let data = try runner.data(for: plan)
            let models = try execution.trainModels(data: data)
            switch role {
            case .target: return models.target
            case .evaluator: return models.evaluator
            case .dummy:
                let published = try execution.publish(models.target, data: data)
                guard let network = dummyNetwork(published) else {
                    throw RunModelError("trial \(trial) of \(runDirectory.path): the published model (\(published.summary)) carries no dummy recognizer network")
                }
                return network
            }
        } catch let miss as ModelCacheMiss {
            throw RunModelError("\(miss); the \(role.rawValue) of trial \(trial) was never trained with this cache: "
                + "make it with \(rerun), or pass --cache with the cache the run used")
        }
    }

    /// The directory of the spec file the run was made from (run.json's `spec_file`), where the
    /// relative paths of its spec.resolved.yaml point; nil when run.json does not say.
    public static func originalSpecDirectory(_ runDirectory: URL) -> URL? {
        guard let data = try? Data(contentsOf: runDirectory.appendingPathComponent("run.json")),
              let info = try? JSONValue.parse(data), let file = info["spec_file"]?.stringValue, !file.isEmpty else { return nil }
        return URL(fileURLWithPath: file).deletingLastPathComponent()
    }
}
