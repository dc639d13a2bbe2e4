import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabSpec
import InvLabTensor
import Testing

/// Builds optimizer plugins the way a spec does: YAML text -> `PluginNode` -> the registries.
enum OptimizerTestKit {
    /// The file name diagnostics of these tests carry.
    static let file = "optimizer.yaml"

    /// The plugin written as `yaml` (a mapping with `type:`), at `attack.optimizer`.
    static func build(_ yaml: String, cache: SourceCache = SourceCache()) throws -> any OptimizerPlugin {
        try PluginYAML.build(yaml, file: file, at: SpecPath.root.appending("attack").appending("optimizer"), kind: \.optimizers, cache: cache)
    }

    /// The rendered diagnostics of building `yaml`, or a note that it built.
    static func diagnostics(_ yaml: String) -> String {
        PluginYAML.diagnostics { _ = try build(yaml, cache: $0) }
    }

    /// Runs `steps` updates of the plugin's optimizer on the 1-D quadratic
    /// `f(x) = a/2 (x - b)^2` (gradient `a (x - b)`) from `x0`, returning x after every step.
    static func descend(_ plugin: any OptimizerPlugin, a: Float, b: Float, x0: Float, steps: Int) -> [Float] {
        var optimizer = plugin.makeOptimizer()
        var values = [Tensor([x0])]
        var trajectory: [Float] = []
        for _ in 0..<steps {
            let x = values[0].scalars[0]
            optimizer.update(&values, gradients: [Tensor([a * (x - b)])])
            trajectory.append(values[0].scalars[0])
        }
        return trajectory
    }

}
