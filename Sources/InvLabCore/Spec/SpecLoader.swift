import Foundation
import InvLabSpec

/// A spec read from disk: composed (`inherit:`), overridden (`--set`), decoded, with its sweep
/// expanded into trials. Every trial's spec has been decoded and every plugin built once, so a
/// loaded spec is known to be valid before any model is built.
public struct LoadedSpec {
    public let file: URL
    /// Source text of every file involved (for rendering diagnostics).
    public let sources: SourceCache
    /// The composed spec with overrides, before sweep assignments.
    public let root: Node
    /// The `--set` assignments applied, as typed (recorded in run.json so `--resume` can
    /// re-apply them).
    public var overrides: [String] = []
    public let spec: ExperimentSpec
    /// The sweep's trials (one trial without assignments when there is no sweep); with
    /// `seeds:`, one trial per sweep point and seed (`ExperimentSpec.trialSweep`).
    public let trials: [Sweep.Trial]
    /// The plugins of every trial (same order as `trials`), built once while the spec was
    /// validated; the runner uses them instead of building again.
    public internal(set) var plans: [ExperimentPlan] = []
    /// Where the spec's relative input paths (an `onnx` recognizer's `path`, an image folder)
    /// resolve, when not next to `file`: a run's spec.resolved.yaml keeps the paths as written
    /// in the spec it was run from, so they resolve against that spec's directory.
    var inputDirectory: URL? = nil

    /// The directory relative input paths resolve against (the spec file's, unless loaded with `inputDirectory`).
    public var specDirectory: URL { inputDirectory ?? file.deletingLastPathComponent() }

    /// The spec node of one trial (sweep assignments applied).
    public func node(of trial: Sweep.Trial) throws -> Node {
        let base = spec.seeds == nil ? root.removingEntry("sweep") : root.removingEntry("sweep").removingEntry("seeds")
        guard let sweep = spec.trialSweep else { return base }
        return try sweep.applying(trial, to: base)
    }

    /// The decoded spec of one trial.
    public func spec(of trial: Sweep.Trial) throws -> ExperimentSpec {
        try decode(ExperimentSpec.self, from: node(of: trial), at: .root)
    }

    /// A stable hash of the resolved spec (for provenance and resume checks).
    public var hash: String {
        let text = emitYAML(root)
        return String(InvLabIOHash.sha256(text).prefix(16))
    }
}

/// Reads specs with complete diagnostics.
public enum SpecLoader {
    /// Loads, composes, overrides, decodes and validates `file`. Throws `SpecError` carrying every
    /// diagnostic found (render them with `error.rendered(with: sources)`; the sources are
    /// also attached to `SpecLoadError`).
    ///
    /// `inputs` chooses which input files must exist (`.data` for commands that read only the data).
    /// `inputDirectory` (default: `file`'s directory) is where relative input paths resolve.
    public static func load(file: String, overrides: [String] = [], registries: Registries,
                            inputDirectory: URL? = nil, inputs scope: InputPath.Scope = .all) throws -> LoadedSpec {
        let sources = SourceCache()
        do {
            let root = try SpecComposer(cache: sources).compose(file: file, overrides: overrides)
            let spec: ExperimentSpec
            do {
                spec = try decode(ExperimentSpec.self, from: root, at: .root)
            } catch let error as SpecError {
                // Report the plugins' own problems, and those of the sweep's values, in the same pass as the spec's.
                let directory = inputDirectory ?? URL(fileURLWithPath: file).standardizedFileURL.deletingLastPathComponent()
                var diagnostics = error.diagnostics
                for diagnostic in pluginDiagnostics(root, specDirectory: directory, registries: registries, inputs: scope)
                    + sweepDiagnostics(root, specDirectory: directory, registries: registries)
                where !diagnostics.contains(diagnostic) {
                    diagnostics.append(diagnostic)
                }
                throw SpecError(diagnostics)
            }
            let trials = spec.trialSweep?.trials ?? [Sweep.Trial(index: 0, assignments: [])]
            let url = URL(fileURLWithPath: file).standardizedFileURL
            var loaded = LoadedSpec(file: url, sources: sources, root: root, spec: spec, trials: trials)
            loaded.overrides = overrides
            loaded.inputDirectory = inputDirectory
            loaded.plans = try validateTrials(loaded, registries: registries, inputs: scope)
            return loaded
        } catch let error as SpecError {
            throw SpecLoadError(error: error, sources: sources)
        }
    }

    /// Builds the plugins found at their usual places in `root` without decoding the rest of
    /// the spec (used when the spec itself has errors, so that all are reported at once).
    static func pluginDiagnostics(_ root: Node, specDirectory: URL, registries: Registries,
                                  inputs scope: InputPath.Scope = .all) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let seed = root["seed"]?.scalarValue.flatMap { value -> UInt64? in
            if case .int(let number) = value, number >= 0 { return UInt64(number) }
            return nil
        } ?? 0
        let context = BuildContext(specDirectory: specDirectory, seed: seed, registries: registries)
        func check<T>(_ node: Node?, _ path: SpecPath, _ build: (PluginNode) throws -> T) {
            guard let node, !node.isNull else { return }
            var decoding = DecodingContext()
            guard let plugin = PluginNode.decode(node, at: path, context: &decoding) else {
                diagnostics += decoding.diagnostics
                return
            }
            do { _ = try build(plugin) } catch let error as SpecError { diagnostics += error.diagnostics } catch {}
        }
        for slot in PluginSlot.all {
            for (node, path) in slot.references(in: root) {
                check(node, path) { try registries.build(slot.kind, $0, context: context) }
            }
        }
        return diagnostics + context.inputs.problems(in: scope)
    }

    /// The problems of the sweep's values when the spec itself does not decode (a misspelt
    /// sweep path is then reported beside a missing required key): each value of each axis is
    /// written into the spec, with every other axis at its first value, and that spec is decoded
    /// and its plugins built. Nothing when the sweep itself does not decode (the spec's own
    /// diagnostics say why).
    static func sweepDiagnostics(_ root: Node, specDirectory: URL, registries: Registries) -> [Diagnostic] {
        guard let node = root["sweep"] else { return [] }
        var decoding = DecodingContext()
        guard let sweep = Sweep.decode(node, at: SpecPath.root.appending("sweep"), context: &decoding), !sweep.axes.isEmpty else { return [] }
        let base = root.removingEntry("sweep")
        // First axis slowest: the trial index of "axis a at value v, the others at 0" is v times the product of the later axes' sizes.
        var indices: [Int] = [0]
        var stride = 1
        for axis in sweep.axes.reversed() {
            indices += (1..<max(1, axis.values.count)).map { $0 * stride }
            stride *= axis.values.count
        }
        var diagnostics: [Diagnostic] = []
        for index in indices {
            guard let trial = sweep.trial(at: index) else { continue }
            let found: [Diagnostic]
            do {
                let node = try sweep.applying(trial, to: base)
                var context = DecodingContext()
                _ = ExperimentSpec.decode(node, at: .root, context: &context)
                found = context.diagnostics + pluginDiagnostics(node, specDirectory: specDirectory, registries: registries)
            } catch let error as SpecError {
                found = error.diagnostics
            } catch {
                continue
            }
            for diagnostic in found where !diagnostics.contains(diagnostic) { diagnostics.append(diagnostic) }
        }
        return diagnostics
    }

    /// Decodes every trial's spec and builds every plugin, collecting all diagnostics
    /// (each distinct diagnostic once, however many trials share it).
    static func validateTrials(_ loaded: LoadedSpec, registries: Registries, inputs scope: InputPath.Scope = .all) throws -> [ExperimentPlan] {
        var diagnostics: [Diagnostic] = []
        var plans: [ExperimentPlan] = []
        let cache = PluginBuildCache()
        for trial in loaded.trials {
            do {
                let spec = try loaded.spec(of: trial)
                plans.append(try ExperimentPlan.build(spec, specDirectory: loaded.specDirectory, registries: registries,
                                                      cache: cache, inputs: scope))
            } catch let error as SpecError {
                for diagnostic in error.diagnostics where !diagnostics.contains(diagnostic) { diagnostics.append(diagnostic) }
            }
        }
        if !diagnostics.isEmpty { throw SpecError(diagnostics) }
        return plans
    }
}

/// A spec that failed to load, with the source text needed to render its diagnostics.
public struct SpecLoadError: Error, CustomStringConvertible {
    public let error: SpecError
    public let sources: SourceCache
    public var rendered: String { error.rendered(with: sources) }
    public var description: String { rendered }
}
