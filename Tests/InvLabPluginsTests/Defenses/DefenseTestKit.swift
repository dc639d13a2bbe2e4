import Foundation
import InvLabCore
import InvLabDatasets
import InvLabDefenses
import InvLabDummyRecognizer
import InvLabNN
import InvLabOptimizers
import InvLabRecognizers
import InvLabSpec
import InvLabTensor
import Testing

/// Builds defense plugins the way a spec does (YAML text -> `PluginNode` at `defense` -> the
/// registries), and the small models and data the defense tests use. Shared by the Defenses and
/// DummyRecognizer test folders.
enum DefenseTestKit {
    static let file = "defense.yaml"
    static let seed: UInt64 = 7

    /// The modules the defenses need (datasets for synthetic faces, recognizers and optimizers
    /// for f'), and the defenses; not the others, so that the known-id lists in the expected
    /// diagnostics stay fixed when other modules grow.
    static func registries(extra: (inout Registries) throws -> Void = { _ in }) throws -> Registries {
        var registries = Registries()
        try InvLabDatasetsModule.register(into: &registries)
        try InvLabRecognizersModule.register(into: &registries)
        try InvLabOptimizersModule.register(into: &registries)
        try InvLabDefensesModule.register(into: &registries)
        try InvLabDummyRecognizerModule.register(into: &registries)
        try extra(&registries)
        return registries
    }

    static func context(_ registries: Registries) -> BuildContext {
        BuildContext(specDirectory: URL(fileURLWithPath: "/tmp"), seed: seed, registries: registries)
    }

    /// The defense written as `yaml` (a mapping with `type:`), at the spec path `defense`.
    static func build(_ yaml: String, registries: Registries? = nil, cache: SourceCache = SourceCache()) throws -> any DefensePlugin {
        try PluginYAML.build(yaml, file: file, at: SpecPath.root.appending("defense"), kind: \.defenses, seed: seed, cache: cache,
                             registries: try registries ?? self.registries())
    }

    /// The rendered diagnostics of building `yaml`, or a note that it built.
    static func diagnostics(_ yaml: String, registries: Registries? = nil) -> String {
        PluginYAML.diagnostics { _ = try build(yaml, registries: registries, cache: $0) }
    }

    /// Data with the given sets (a private test set equal to the training set unless given).
    static func data(train: LabeledSet, test: LabeledSet? = nil, publicSet: LabeledSet? = nil, classes: Int) -> ExperimentData {
        let shape = Array(train.images.shape.dropFirst())
        return ExperimentData(imageShape: shape, classNames: (0..<classes).map { "person-\($0)" },
                              privateTrain: train, privateTest: test ?? train,
                              publicSet: publicSet ?? LabeledSet(images: Tensor(zeros: [0] + shape), labels: []),
                              publicClassNames: [], source: "hand-made test data", isSynthetic: true,
                              splitDescription: ["source": "hand-made"])
    }

    static func resources(_ data: ExperimentData, registries: Registries, environment: RunEnvironment = .ephemeral()) -> DefenseResources {
        DefenseResources(data: data, environment: environment, seed: 11, registries: registries)
    }

    /// A network `[Flatten, Linear]` with seeded random weights: a differentiable f.
    static func linearNetwork(inputShape: [Int], classes: Int, seed: UInt64, scale: Float = 1) -> Network {
        var network = Network(Sequential([Flatten(), Linear(inputShape.reduce(1, *), classes)]), inputShape: inputShape, seed: seed)
        network.state.parameters["1.weight"] = network.state.parameters["1.weight"]! * scale
        return network
    }

    /// Seeded uniform images in [0, 1].
    static func images(_ count: Int, shape: [Int], seed: UInt64) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return Tensor.uniform([count] + shape, generator: &generator)
    }

}

/// A model whose published probabilities are its input pixels: `N x 1 x 1 x K` images are the
/// rows. `output` is the (differentiable) identity, so defended values and gradients can be
/// written down exactly.
struct PixelProbabilitiesModel: PublishedModel {
    var classes: Int
    var decoys: DecoyImages? = nil
    var inputShape: [Int] { [1, 1, classes] }
    func attachment<T>(_ type: T.Type) -> T? { type == DecoyImages.self ? decoys as? T : nil }
    func output(_ x: Var) -> ModelOutput {
        ModelOutput(probabilities: x.reshaped([x.shape[0], classes]), logits: nil)
    }
    func query(_ x: Tensor) -> Tensor { x.reshaped([x.shape[0], classes]) }
    var summary: String { "pixel probabilities" }

    /// The image batch whose published probabilities are `rows`.
    static func images(_ rows: [[Float]]) -> Tensor {
        Tensor(shape: [rows.count, 1, 1, rows[0].count], scalars: rows.flatMap { $0 })
    }
}

struct DefenseTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
