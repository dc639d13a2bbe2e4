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
    /// The judge panel (the spec's `judges:`, or `DefaultJudgePanel`).
    public var judges: [any JudgePlugin]
    /// Directory of the spec file (relative paths resolve against it).
    public var specDirectory: URL

    /// Builds every plugin and checks the files they will read; throws one `SpecError` with the
    /// diagnostics of all of them.
    public static func build(_ spec: ExperimentSpec, specDirectory: URL, registries: Registries) throws -> ExperimentPlan {
        let base = BuildContext(specDirectory: specDirectory, seed: UInt64(spec.seed), registries: registries)
        var collector = DiagnosticCollector(location: base.location, path: nil)
        let dataset = collector.attempt { try registries.datasets.build(spec.data.source, context: base) }
        let publicDataset = spec.data.publicSource.flatMap { node in collector.attempt { try registries.datasets.build(node, context: base) } }
        let target = collector.attempt { try registries.recognizers.build(spec.target, context: base) }
        let evaluator = spec.evaluator.flatMap { node in collector.attempt { try registries.recognizers.build(node, context: base) } }
        let defenses = spec.defense.defenses.compactMap { node in collector.attempt { try registries.defenses.build(node, context: base) } }
        let attack = collector.attempt { try registries.attacks.build(spec.attack, context: base) }
        let judgeNodes = spec.judges ?? registries.defaultJudges
        let judges = judgeNodes.compactMap { node in collector.attempt { try registries.judges.build(node, context: base) } }
        var names: Set<String> = []
        for (node, judge) in zip(judgeNodes, judges) where !names.insert(judge.name).inserted {
            collector.append(.error("judge name '\(judge.name)' is used twice; give each judge its own `name:`", at: node.location, path: node.path))
        }
        var metricContext = base
        metricContext.judgeNames = judges.map(\.name)
        let metricNodes = spec.metrics ?? registries.defaultMetrics
        let metrics = metricNodes.compactMap { node in collector.attempt { try registries.metrics.build(node, context: metricContext) } }
        var seen: Set<String> = []
        for node in metricNodes where !seen.insert(node.id).inserted {
            collector.append(.error("metric '\(node.id)' is listed twice", at: node.idLocation, path: node.idPath))
        }
        // Files and folders the plugins will read: a wrong path is a spec error, not a failed trial.
        for problem in base.inputs.problems() { collector.append(problem) }
        guard collector.diagnostics.isEmpty, let dataset, let target, let attack else { throw SpecError(collector.diagnostics) }
        return ExperimentPlan(spec: spec, dataset: dataset, publicDataset: publicDataset, target: target, evaluator: evaluator,
                              defenses: defenses, attack: attack, metrics: metrics, judges: judges, specDirectory: specDirectory)
    }
}
