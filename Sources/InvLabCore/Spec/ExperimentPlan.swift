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

    /// Builds every plugin and checks the files they will read (those of `inputs`); throws one
    /// `SpecError` with the diagnostics of all of them.
    /// With a `cache` (one per run), a plugin whose configuration is the same in several
    /// trials is built once and shared (plugins are values).
    public static func build(_ spec: ExperimentSpec, specDirectory: URL, registries: Registries,
                             cache: PluginBuildCache? = nil, inputs scope: InputPath.Scope = .all) throws -> ExperimentPlan {
        let base = BuildContext(specDirectory: specDirectory, seed: UInt64(spec.seed), registries: registries)
        var collector = DiagnosticCollector(location: base.location, path: nil)
        let cache = cache ?? PluginBuildCache()
        func built<T>(_ kind: PluginKind, _ node: PluginNode, _ context: BuildContext, _ make: () throws -> T) throws -> T {
            try cache.value("\(kind.rawValue) seed:\(context.seed) judges:\(context.judgeNames) \(emitFlowYAML(node.specNode))", make)
        }
        let dataset = collector.attempt { try built(.dataset, spec.data.source, base) { try registries.datasets.build(spec.data.source, context: base) } }
        let publicDataset = spec.data.publicSource.flatMap { node in
            collector.attempt { try built(.dataset, node, base) { try registries.datasets.build(node, context: base) } }
        }
        let target = collector.attempt { try built(.recognizer, spec.target, base) { try registries.recognizers.build(spec.target, context: base) } }
        let evaluator = spec.evaluator.flatMap { node in
            collector.attempt { try built(.recognizer, node, base) { try registries.recognizers.build(node, context: base) } }
        }
        let defenses = spec.defense.defenses.compactMap { node in
            collector.attempt { try built(.defense, node, base) { try registries.defenses.build(node, context: base) } }
        }
        let attack = collector.attempt { try built(.attack, spec.attack, base) { try registries.attacks.build(spec.attack, context: base) } }
        let judgeNodes = spec.judges ?? registries.defaultJudges
        let judges = judgeNodes.compactMap { node in
            collector.attempt { try built(.judge, node, base) { try registries.judges.build(node, context: base) } }
        }
        var names: Set<String> = []
        for (node, judge) in zip(judgeNodes, judges) where !names.insert(judge.name).inserted {
            collector.append(.error("judge name '\(judge.name)' is used twice; give each judge its own `name:`", at: node.location, path: node.path))
        }
        var metricContext = base
        metricContext.judgeNames = judges.map(\.name)
        let metricNodes = spec.metrics ?? registries.defaultMetrics
        let metrics = metricNodes.compactMap { node in
            collector.attempt { try built(.metric, node, metricContext) { try registries.metrics.build(node, context: metricContext) } }
        }
        var seen: Set<String> = []
        for node in metricNodes where !seen.insert(node.id).inserted {
            collector.append(.error("metric '\(node.id)' is listed twice", at: node.idLocation, path: node.idPath))
        }
        // Files and folders the plugins will read: a wrong path is a spec error, not a failed trial.
        for problem in base.inputs.problems(in: scope) { collector.append(problem) }
        guard collector.diagnostics.isEmpty, let dataset, let target, let attack else { throw SpecError(collector.diagnostics) }
        return ExperimentPlan(spec: spec, dataset: dataset, publicDataset: publicDataset, target: target, evaluator: evaluator,
                              defenses: defenses, attack: attack, metrics: metrics, judges: judges, specDirectory: specDirectory)
    }
}

/// Plugins already built in a run, by kind and configuration: each distinct plugin is built
/// once per run however many trials use it (a λ sweep builds its attack and metrics once).
public final class PluginBuildCache {
    private var built: [String: Any] = [:]
    /// How many plugins were built (not taken from the cache), for tests.
    public private(set) var builds = 0

    public init() {}

    func value<T>(_ key: String, _ make: () throws -> T) throws -> T {
        if let stored = built[key] as? T { return stored }
        let made = try make()
        builds += 1
        built[key] = made
        return made
    }
}
