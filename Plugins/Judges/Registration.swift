import Foundation
import InvLabCore
import InvLabSpec

/// Registers every plugin of this module.
public enum InvLabJudgesModule {
    public static let name = "InvLabJudges"

    public static func register(into registries: inout Registries) throws {
        try registries.register([NetworkJudgePlugin.self, FisherfacesJudgePlugin.self], module: name)
        registries.defaultJudges = DefaultJudgePanel.nodes()
    }
}

/// The judge panel used when a spec has no `judges:` list: four judges chosen to fail
/// differently (see docs/results.md, "Judging attack success"): the evaluator itself; a PGD
/// adversarially trained copy of its architecture (Madry et al. 2018; features that resist
/// transferred perturbations); a ResNet at half resolution (another architecture family and
/// input size); Fisherfaces (no gradients shared with any network).
public enum DefaultJudgePanel {
    public static let yaml = """
        - {type: network, name: evaluator}
        - {type: network, name: adversarial, adversarial: {norm: l2, epsilon: 1.0, steps: 3}}
        - type: network
          name: resnet_half
          downsample: 2
          model:
            type: resnet
            widths: [16, 32, 64]
            train: {epochs: 40, batch_size: 32, optimizer: {type: adam, lr: 0.001},
                    augment: {noise: 0.05, shift: 2, blur: 0.4, mix: 0.4, brightness: 0.2}}
        - {type: fisherfaces, name: fisherfaces}
        """

    /// The default panel as plugin nodes (at `judges[i]`).
    public static func nodes() -> [PluginNode] {
        guard let root = try? YAMLLoader().parse(yaml, file: "<default judges>", cache: SourceCache()), let items = root.items else { return [] }
        var context = DecodingContext()
        return items.enumerated().compactMap { index, item in
            PluginNode.decode(item, at: SpecPath.root.appending("judges").appending(index: index), context: &context)
        }
    }
}

/// The `name:` key every judge has: its name in the panel and in its columns, a lower-case
/// identifier so that `attack_top1_<name>` is a plain column name.
func judgeNameField<C: SpecConfig>(_ keyPath: WritableKeyPath<C, String>) -> SpecField<C> {
    SpecField("name", keyPath, doc: "The judge's name in the panel and in its columns (`attack_top1_<name>`).",
              check: { $0.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) == nil
                  ? "expected a name of lower-case letters, digits and '_' that starts with a letter, got '\($0)'" : nil })
}
