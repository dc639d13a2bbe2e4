import Foundation
import InvLabSpec

/// Which private identities an attack reconstructs: `all`, the first `n` (in class order), or
/// an explicit list of class indices.
public enum IdentitySelection: SpecValue, Equatable, Sendable {
    case all
    case first(Int)
    case list([Int])

    public static func decode(_ node: Node, at path: SpecPath, context: inout DecodingContext) -> IdentitySelection? {
        if node.stringValue == "all" { return .all }
        if case .int(let count)? = node.scalarValue {
            guard count >= 1 else {
                context.error("expected 'all', a count >= 1 or a list of class indices, got \(count)", at: node, path: path)
                return nil
            }
            return .first(count)
        }
        if node.items != nil, let list = [Int].decode(node, at: path, context: &context) {
            guard !list.isEmpty, list.allSatisfy({ $0 >= 0 }) else {
                context.error("expected a non-empty list of class indices >= 0", at: node, path: path)
                return nil
            }
            return .list(list)
        }
        context.typeMismatch(expected: typeDescription, got: node, path: path)
        return nil
    }

    public static var typeDescription: String { "'all', a count, or a list of class indices" }
    public static var jsonSchema: JSONValue {
        ["anyOf": [["const": "all"], ["type": "integer", "minimum": 1], ["type": "array", "items": ["type": "integer", "minimum": 0]]]]
    }
    public var specNode: Node {
        switch self {
        case .all: return .string("all")
        case .first(let n): return .value(.int(n))
        case .list(let list): return list.specNode
        }
    }

    /// The selected classes among `classes`.
    public func classes(outOf classes: Int) -> [Int] {
        switch self {
        case .all: return Array(0..<classes)
        case .first(let n): return Array(0..<min(n, classes))
        case .list(let list): return list.filter { $0 < classes }
        }
    }
}

/// `defense:` may be absent, `none`, one defense, or a list applied in order.
public struct DefenseList: SpecValue, Equatable, Sendable {
    public var defenses: [PluginNode]

    public init(_ defenses: [PluginNode] = []) { self.defenses = defenses }

    public static func decode(_ node: Node, at path: SpecPath, context: inout DecodingContext) -> DefenseList? {
        if node.isNull || node.stringValue == "none" { return DefenseList() }
        if let items = node.items {
            var result: [PluginNode] = []
            for (index, item) in items.enumerated() {
                if let plugin = PluginNode.decode(item, at: path.appending(index: index), context: &context) { result.append(plugin) }
            }
            return DefenseList(result)
        }
        return PluginNode.decode(node, at: path, context: &context).map { DefenseList([$0]) }
    }

    public static var typeDescription: String { "'none', a defense plugin, or a list of defense plugins" }
    public static var jsonSchema: JSONValue {
        ["anyOf": [["type": "null"], ["const": "none"], PluginNode.jsonSchema, ["type": "array", "items": PluginNode.jsonSchema]]]
    }
    public var specNode: Node {
        switch defenses.count {
        case 0: return .string("none")
        case 1: return defenses[0].specNode
        default: return .sequence(defenses.map(\.specNode))
        }
    }
}

/// A whole experiment spec (`version: 1`).
public struct ExperimentSpec: SpecConfig, Equatable, Sendable {
    public var version = 1
    public var name = ""
    public var description = ""
    public var seed = 0
    /// Repeat every trial once per seed and pool the rows (nil: every trial runs once with `seed`).
    public var seeds: SeedList? = nil
    public var data = DataSection()
    public var target = PluginNode(id: "")
    public var evaluator: PluginNode? = nil
    public var allowTargetAsEvaluator = false
    /// The judge panel; nil means `DefaultJudgePanel`.
    public var judges: [PluginNode]? = nil
    public var defense = DefenseList()
    public var attack = PluginNode(id: "")
    public var identities = IdentitySelection.all
    /// The metrics; nil means the registries' `defaultMetrics`.
    public var metrics: [PluginNode]? = nil
    public var sweep: Sweep? = nil
    public var output = OutputSection()

    public init() {}


    public static var fields: [SpecField<Self>] { [
        SpecField("version", \.version, doc: "Spec format version; must be 1.", required: true,
                  check: { $0 == 1 ? nil : "unsupported spec version \($0); this InversionLab reads version 1" }),
        SpecField("name", \.name, doc: "Experiment name (names the run directory).", required: true,
                  check: { name in
                      name.range(of: "^[A-Za-z0-9][A-Za-z0-9._-]*$", options: .regularExpression) == nil
                          ? "expected a name of letters, digits, '.', '_' and '-', got '\(name)'" : nil }),
        SpecField("description", \.description, doc: "What the experiment shows (copied into the report)."),
        SpecField("seed", \.seed, doc: "Seed of every random choice: splits, initialisation, batch order, attack starts.", range: 0...Int(Int32.max)),
        SpecField("seeds", \.seeds,
                  doc: "Repeat every trial (sweep point) once per seed, `seed` replaced by each; results.csv keeps one row per seed (column `seed`), results_pooled.csv one row per sweep point (mean, std and 95 % interval over the seeds)."),
        SpecField("data", \.data, doc: "The faces and their splits.", required: true),
        SpecField("target", \.target, doc: "The recognizer under attack (a recognizer plugin: trained as it says, or loaded from `weights:`).", required: true),
        SpecField("evaluator", \.evaluator,
                  doc: "The separate evaluation classifier that judges attack success, trained on the private training split with its own seed."),
        SpecField("allow_target_as_evaluator", \.allowTargetAsEvaluator,
                  doc: "Allow judging the attack with the attacked model itself when `evaluator` is absent (every table then marks it)."),
        SpecField("judges", \.judges,
                  doc: "The judge panel that decides attack success: judge plugins, each validated in every trial; `attack_top1` is the majority verdict of the judges valid in every trial. Default: the evaluator, a PGD adversarially trained copy of it (L2, epsilon 1), a ResNet at half resolution and Fisherfaces."),
        SpecField("defense", \.defense, doc: "Defenses of the target, applied in order: none, one, or a list."),
        SpecField("attack", \.attack, doc: "The model inversion attack (an attack plugin).", required: true),
        SpecField("identities", \.identities, doc: "Private identities to attack: all, the first n, or a list of class indices."),
        SpecField("metrics", \.metrics, doc: "Metric plugins measured for every trial, in column order. Default: every metric the built-in modules list as default (attack success with the judge panel's validity and dose, target confidence, KNN distance, image similarity, recognition accuracy, decoy rate, cost)."),
        SpecField("sweep", \.sweep, doc: "A grid over key paths; each point is a trial and a row of the result tables."),
        SpecField("output", \.output, doc: "Where and what a run writes."),
    ] }

    public func validate(at path: SpecPath, node: Node, context: inout DecodingContext) {
        if seeds != nil, let axis = sweep?.axes.first(where: { $0.path == SpecPath.root.appending(SeedList.key) }) {
            context.report(.error("`seeds` and a sweep over `seed` both set the seed", at: axis.keyLocation,
                                  path: path.appending("sweep").appending(SeedList.key),
                                  notes: ["remove `\(SeedList.key)` from `sweep:` and list its values in `seeds:` (rows pooled over seeds), or remove `seeds:` (one row per seed, not pooled)"]))
        } else if let seeds, let sweep, sweep.trialCount > Sweep.maximumTrials / seeds.seeds.count {
            context.error("the sweep's \(sweep.trialCount) trials times \(seeds.seeds.count) seeds exceed \(Sweep.maximumTrials) trials",
                          at: node["seeds"] ?? node, path: path.appending("seeds"))
        }
        if judges?.isEmpty == true {
            context.error("the judge panel is empty", at: node["judges"] ?? node, path: path.appending("judges"),
                          notes: ["list at least one judge, or remove `judges:` to use the default panel"])
        }
        if evaluator == nil && !allowTargetAsEvaluator {
            context.error("missing required key 'evaluator': attack success must be judged by a separate evaluation classifier",
                          at: node, path: path,
                          notes: ["add `evaluator: {type: cnn, ...}`, or set `allow_target_as_evaluator: true` to judge with the attacked model (every table then marks it)"])
        }
    }
}
