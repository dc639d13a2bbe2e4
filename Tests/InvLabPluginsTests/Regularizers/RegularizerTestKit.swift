import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabSpec
import InvLabTensor
import Testing

/// Builds regularizer plugins from YAML and the attack resources their preparation needs.
enum RegularizerTestKit {
    /// The regularizer written as `yaml` (a mapping with `type:`), built with spec seed `seed`.
    static func build(_ yaml: String, seed: UInt64 = 5, cache: SourceCache = SourceCache(),
                      registries: Registries? = nil) throws -> any RegularizerPlugin {
        try PluginYAML.build(yaml, file: "regularizer.yaml", at: SpecPath.root.appending("attack").appending("regularizers").appending(index: 0),
                             kind: \.regularizers, seed: seed, cache: cache, registries: registries)
    }

    /// The rendered diagnostics of building `yaml`, or a note that it built.
    static func diagnostics(_ yaml: String) -> String {
        PluginYAML.diagnostics { _ = try build(yaml, cache: $0) }
    }

    /// Experiment data with `publicImages` as the public split (and two dummy private images).
    static func data(publicImages: Tensor) -> ExperimentData {
        let shape = Array(publicImages.shape.dropFirst())
        let privateSet = LabeledSet(images: Tensor(repeating: 0.5, shape: [2] + shape), labels: [0, 1])
        let count = publicImages.shape[0]
        return ExperimentData(imageShape: shape, classNames: ["p0", "p1"], privateTrain: privateSet, privateTest: privateSet,
                              publicSet: LabeledSet(images: publicImages, labels: Array(repeating: 0, count: count)),
                              publicClassNames: count > 0 ? ["q0"] : [], source: "test blobs", isSynthetic: true,
                              splitDescription: ["source": "test blobs", "public_images": String(count),
                                                 "image_shape": shape.map(String.init).joined(separator: "x")])
    }

    /// Attack resources around `data`.
    static func resources(_ data: ExperimentData, environment: RunEnvironment) throws -> AttackResources {
        AttackResources(data: data, targets: [0], environment: environment, seed: 1, registries: try Builtins.registries())
    }

    /// The penalty and its gradient with respect to the images.
    static func penaltyAndGradient(_ regularizer: any RegularizerPlugin, images: Tensor, latents: Tensor? = nil)
        -> (penalty: Tensor, imageGradient: Tensor) {
        let (value, gradient) = valueWithGradient(at: images) { x in
            regularizer.penalty(images: x, latents: latents.map { Var(constant: $0) }).sum()
        }
        _ = value
        return (regularizer.penalty(images: Var(constant: images), latents: latents.map { Var(constant: $0) }).value, gradient)
    }

}
