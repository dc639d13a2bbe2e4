import Foundation
import InvLabSpec

/// The plugins of one trial, built from its spec.
public struct ExperimentPlan {
    public var spec: ExperimentSpec
    public var dataset: any DatasetPlugin
    public var publicDataset: (any DatasetPlugin)?
    public var target: any RecognizerPlugin
    public var evaluator: (any RecognizerPlugin)?
    public var defenses: [any DefensePlugin]
    public var attack: any AttackPlugin
    public var metrics: [any MetricPlugin]
    /// Directory of the spec file (relative paths resolve against it).
    public var specDirectory: URL

    /// Builds every plugin; throws one `SpecError` with the diagnostics of all of them.
    public static func build(_ spec: ExperimentSpec, specDirectory: URL, registries: Registries) throws -> ExperimentPlan {
        let base = BuildContext(specDirectory: specDirectory, seed: UInt64(spec.seed), registries: registries)
        var diagnostics: [Diagnostic] = []
        func attempt<T>(_ body: () throws -> T) -> T? {
            do {
                return try body()
            } catch let error as SpecError {
                diagnostics += error.diagnostics
            } catch {
                diagnostics.append(.error("\(error)", at: base.location))
            }
            return nil
        }
        let dataset = attempt { try registries.datasets.build(spec.data.source, context: base) }
        let publicDataset = spec.data.publicSource.flatMap { node in attempt { try registries.datasets.build(node, context: base) } }
        let target = attempt { try registries.recognizers.build(spec.target, context: base) }
        let evaluator = spec.evaluator.flatMap { node in attempt { try registries.recognizers.build(node, context: base) } }
        let defenses = spec.defense.defenses.compactMap { node in attempt { try registries.defenses.build(node, context: base) } }
        let attack = attempt { try registries.attacks.build(spec.attack, context: base) }
        let metrics = spec.metrics.compactMap { node in attempt { try registries.metrics.build(node, context: base) } }
        var seen: Set<String> = []
        for node in spec.metrics where !seen.insert(node.id).inserted {
            diagnostics.append(.error("metric '\(node.id)' is listed twice", at: node.idLocation, path: node.idPath))
        }
        guard diagnostics.isEmpty, let dataset, let target, let attack else { throw SpecError(diagnostics) }
        return ExperimentPlan(spec: spec, dataset: dataset, publicDataset: publicDataset, target: target, evaluator: evaluator,
                              defenses: defenses, attack: attack, metrics: metrics, specDirectory: specDirectory)
    }
}
