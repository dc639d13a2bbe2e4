import Foundation
import InvLabAttacks
import InvLabCore
import InvLabSpec
import InvLabTensor

/// Building attacks from YAML against test registries, and tiny data for them.
enum AttackTestKit {
    /// The attack module plus the test doubles of the other kinds.
    static func registries() throws -> Registries {
        var registries = Registries()
        try InvLabAttacksModule.register(into: &registries)
        try registries.register(AttackTestGradientDescent.self, module: "AttackTests")
        try registries.register(AttackTestMomentum.self, module: "AttackTests")
        try registries.register(AttackTestAnchorPrior.self, module: "AttackTests")
        try registries.register(AttackTestLatentNorm.self, module: "AttackTests")
        try registries.register(AttackTestSquareRootPrior.self, module: "AttackTests")
        try registries.register(AttackTestLinearGenerator.self, module: "AttackTests")
        return registries
    }

    /// The attack a YAML mapping (with `type:`) describes, at key path `attack`.
    static func build(_ yaml: String, registries: Registries? = nil, cache: SourceCache = SourceCache()) throws -> any AttackPlugin {
        let registries = try registries ?? Self.registries()
        let node = try YAMLLoader().parse(yaml, file: "attack.yaml", cache: cache)
        let plugin = try decode(PluginNode.self, from: node, at: SpecPath.root.appending("attack"))
        let context = BuildContext(specDirectory: URL(fileURLWithPath: "/tmp"), seed: 7, registries: registries)
        return try registries.attacks.build(plugin, context: context)
    }

    /// The rendered diagnostics of building `yaml`, or nil when it builds.
    static func diagnostics(_ yaml: String, registries: Registries? = nil) throws -> String? {
        let cache = SourceCache()
        do {
            _ = try build(yaml, registries: registries, cache: cache)
            return nil
        } catch let error as SpecError {
            return error.rendered(with: cache)
        }
    }

    /// Binary 4x4 templates with 8 lit pixels each: top half, left half, and the pixels where
    /// those two agree. As +-1 patterns they are orthogonal, so grey (0.5) scores every class alike.
    static let templates: [[Float]] = [
        (0..<16).map { $0 < 8 ? 1 : 0 },
        (0..<16).map { $0 % 4 < 2 ? 1 : 0 },
        (0..<16).map { ($0 < 8) == ($0 % 4 < 2) ? 1 : 0 },
    ]

    /// Data with `publicCount` public images (4x4 grey, pixel values `0.2 + 0.1 * image index`)
    /// and one private image per class (never used by an attack).
    static func data(classes: Int = 3, publicCount: Int = 2) -> ExperimentData {
        let shape = [1, 4, 4]
        let privateImages = Tensor(repeating: 0.9, shape: [classes] + shape)
        let publicImages = Tensor(shape: [publicCount] + shape,
                                  scalars: (0..<publicCount).flatMap { Array(repeating: 0.2 + 0.1 * Float($0), count: 16) })
        let privateSet = LabeledSet(images: privateImages, labels: Array(0..<classes))
        return ExperimentData(imageShape: shape, classNames: (0..<classes).map { "person\($0)" },
                              privateTrain: privateSet, privateTest: privateSet,
                              publicSet: LabeledSet(images: publicImages, labels: Array(repeating: 0, count: publicCount)),
                              publicClassNames: ["public0"], source: "planted", isSynthetic: true, splitDescription: [:])
    }

    static func resources(targets: [Int], data: ExperimentData? = nil, seed: UInt64 = 11,
                          environment: RunEnvironment = .ephemeral()) throws -> AttackResources {
        AttackResources(data: data ?? Self.data(), targets: targets, environment: environment, seed: seed, registries: try registries())
    }

    /// Pearson correlation of two equally long vectors.
    static func correlation(_ a: ArraySlice<Float>, _ b: [Float]) -> Float {
        let a = Array(a)
        let (ma, mb) = (a.reduce(0, +) / Float(a.count), b.reduce(0, +) / Float(b.count))
        var (ab, aa, bb): (Float, Float, Float) = (0, 0, 0)
        for i in a.indices {
            ab += (a[i] - ma) * (b[i] - mb)
            aa += (a[i] - ma) * (a[i] - ma)
            bb += (b[i] - mb) * (b[i] - mb)
        }
        return ab / (aa * bb).squareRoot()
    }

    /// Row `row` of a batch.
    static func row(_ tensor: Tensor, _ row: Int) -> ArraySlice<Float> {
        let size = tensor.count / tensor.shape[0]
        return tensor.scalars[(row * size)..<((row + 1) * size)]
    }
}
