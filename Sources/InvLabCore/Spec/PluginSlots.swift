import Foundation
import InvLabSpec

/// Where a spec names plugins: every slot once, with its kind and how many plugins it holds.
/// Diagnostics of a spec that does not decode and the JSON Schema both walk this table;
/// `ExperimentSpec.fields` declares the keys and `ExperimentPlan` builds the typed plugins.
public struct PluginSlot: Sendable {
    public enum Shape: Sendable {
        /// Exactly one plugin (absent only when optional).
        case one(optional: Bool)
        /// A list of plugins.
        case list
        /// `none`, one plugin, or a list (defenses).
        case noneOneOrList
    }

    /// Keys from the spec's root, e.g. `["data", "source"]`.
    public var keys: [String]
    public var kind: PluginKind
    public var shape: Shape

    public static let all: [PluginSlot] = [
        PluginSlot(keys: ["data", "source"], kind: .dataset, shape: .one(optional: false)),
        PluginSlot(keys: ["data", "public_source"], kind: .dataset, shape: .one(optional: true)),
        PluginSlot(keys: ["target"], kind: .recognizer, shape: .one(optional: false)),
        PluginSlot(keys: ["evaluator"], kind: .recognizer, shape: .one(optional: true)),
        PluginSlot(keys: ["defense"], kind: .defense, shape: .noneOneOrList),
        PluginSlot(keys: ["attack"], kind: .attack, shape: .one(optional: false)),
        PluginSlot(keys: ["judges"], kind: .judge, shape: .list),
        PluginSlot(keys: ["metrics"], kind: .metric, shape: .list),
    ]

    /// The slot's key path.
    public var path: SpecPath { keys.reduce(SpecPath.root) { $0.appending($1) } }

    /// The slot's node in a spec tree, nil when absent.
    public func node(in root: Node) -> Node? {
        keys.reduce(Optional(root)) { $0?[$1] }
    }

    /// The plugin references in a spec tree with their paths (list items at `path[i]`).
    public func references(in root: Node) -> [(node: Node, path: SpecPath)] {
        guard let node = node(in: root), !node.isNull else { return [] }
        switch shape {
        case .one: return [(node, path)]
        case .list: return (node.items ?? []).enumerated().map { ($0.element, path.appending(index: $0.offset)) }
        case .noneOneOrList:
            if node.stringValue == "none" { return [] }
            if let items = node.items { return items.enumerated().map { ($0.element, path.appending(index: $0.offset)) } }
            return [(node, path)]
        }
    }

    /// The JSON Schema of the slot's value, given the schema of one plugin of its kind.
    public func schema(plugin: JSONValue) -> JSONValue {
        switch shape {
        case .one(let optional): return optional ? ["anyOf": .array([["type": "null"], plugin])] : plugin
        case .list: return ["type": "array", "items": plugin]
        case .noneOneOrList: return ["anyOf": .array([["type": "null"], ["const": "none"], plugin, ["type": "array", "items": plugin]])]
        }
    }
}

extension Registries {
    /// Builds a plugin of any kind (for checks that only need to know whether it builds).
    public func build(_ kind: PluginKind, _ node: PluginNode, context: BuildContext) throws -> Any {
        switch kind {
        case .dataset: return try datasets.build(node, context: context)
        case .recognizer: return try recognizers.build(node, context: context)
        case .generator: return try generators.build(node, context: context)
        case .regularizer: return try regularizers.build(node, context: context)
        case .optimizer: return try optimizers.build(node, context: context)
        case .attack: return try attacks.build(node, context: context)
        case .defense: return try defenses.build(node, context: context)
        case .metric: return try metrics.build(node, context: context)
        case .judge: return try judges.build(node, context: context)
        }
    }
}
