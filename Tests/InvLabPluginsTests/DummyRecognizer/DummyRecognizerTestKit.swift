import Foundation
import InvLabCore
import InvLabDummyRecognizer
import InvLabNN
import InvLabSpec
import InvLabTensor
import Testing

/// Hand-made data and a stand-in generator for the dummy-recognizer tests.
enum DummyRecognizerTestKit {
    static let shape = [1, 16, 16]

    /// The face of "real" person `person`: a blocky 16x16 texture (4x4 cells, each a level in
    /// [0.2, 0.8]). Private and public people are drawn from the same distribution, as real faces
    /// are; drawn synthetic faces look different.
    static func prototype(person: Int) -> [Float] {
        var generator = SeededGenerator(seed: 1_000 + UInt64(person))
        let cells = (0..<16).map { _ in 0.2 + 0.6 * generator.nextUniform() }
        return (0..<256).map { cells[(($0 / 16) / 4) * 4 + ($0 % 16) / 4] }
    }

    /// `perIdentity` images of each of `people` (label = position in the list): the prototype
    /// plus seeded pixel noise of standard deviation 0.03.
    static func realFaces(people: [Int], perIdentity: Int, seed: UInt64) -> LabeledSet {
        var generator = SeededGenerator(seed: seed)
        var scalars: [Float] = [], labels: [Int] = []
        for (label, person) in people.enumerated() {
            let face = prototype(person: person)
            for _ in 0..<perIdentity {
                scalars += face.map { min(1, max(0, $0 + 0.03 * generator.nextNormal())) }
                labels.append(label)
            }
        }
        return LabeledSet(images: Tensor(shape: [labels.count] + shape, scalars: scalars), labels: labels)
    }

    /// f by hand: logit_c = 20 <x, v_c> - 10 |v_c|^2 = -10 |x - v_c|^2 + const(x), v_c the face of
    /// private person c: the nearest face wins, with confidence ~1.
    static func handMadeRecognizer(classes: Int = 3) -> NetworkModel {
        var network = Network(Sequential([Flatten(), Linear(256, classes)]), inputShape: shape, seed: 0, name: "hand-made f")
        let faces = (0..<classes).map { prototype(person: $0) }
        network.state.parameters["1.weight"] = Tensor(shape: [classes, 256], scalars: faces.flatMap { $0.map { 20 * $0 } })
        network.state.parameters["1.bias"] = Tensor(faces.map { face in -10 * face.reduce(0) { $0 + $1 * $1 } })
        return NetworkModel(network)
    }

    /// Private people 0..<classes (train and test images differ by noise), and `publicPeople`
    /// public people from 100 on.
    static func data(classes: Int = 3, publicPeople: Int = 20) -> ExperimentData {
        DefenseTestKit.data(train: realFaces(people: Array(0..<classes), perIdentity: 4, seed: 1),
                            test: realFaces(people: Array(0..<classes), perIdentity: 4, seed: 2),
                            publicSet: realFaces(people: Array(100..<(100 + publicPeople)), perIdentity: 3, seed: 3), classes: classes)
    }

    /// A small, fast f' configuration.
    static let recognizer = "{type: mlp, hidden: [32], train: {epochs: 30, batch_size: 6, optimizer: {type: adam, lr: 0.005}}}"

    static func defense(_ yaml: String, registries: Registries) throws -> DummyRecognizerDefense {
        try #require(try DefenseTestKit.build(yaml, registries: registries) as? DummyRecognizerDefense)
    }

    static func registriesWithGenerator() throws -> Registries {
        try DefenseTestKit.registries { try $0.register(PatternGeneratorPlugin.self, module: "InvLabPluginsTests") }
    }

    /// Mean over images of f''s largest output.
    static func meanTopOutput(_ model: DummyRecognizerModel, on images: Tensor) -> Float {
        model.dummyProbabilities(images).maxAlongLastAxis().values.mean()
    }
}

/// A stand-in generator plugin: "fitting" records the public faces' mean image; a latent z in
/// [-1, 1]^2 draws clamp(mean + 0.4 * (z_0 B_0 + z_1 B_1)) with fixed seeded patterns B.
struct PatternGeneratorPlugin: GeneratorPlugin {
    struct Configuration: SpecConfig {
        var contrast = 0.4
        init() {}
        static var fields: [SpecField<Self>] { [SpecField("contrast", \.contrast, doc: "Pattern strength.", range: 0...1)] }
    }
    static let id = "test_pattern_generator"
    static let summary = "Test stand-in: the public mean face plus two seeded patterns."
    static let example = "type: test_pattern_generator"
    let contrast: Float
    init(configuration: Configuration, context: BuildContext) throws { contrast = Float(configuration.contrast) }

    func fit(publicImages: Tensor, environment: RunEnvironment) throws -> any ImageGenerator {
        let count = publicImages.shape[0]
        let mean = publicImages.sum(alongAxes: [0], keepingDimensions: true) * (1 / Float(count))
        var generator = SeededGenerator(seed: 5)
        let size = publicImages.count / count
        return PatternGenerator(mean: mean, patterns: Tensor.uniform([2, size], low: -1, high: 1, generator: &generator), contrast: contrast)
    }
}

struct PatternGenerator: ImageGenerator {
    let mean: Tensor
    let patterns: Tensor
    let contrast: Float
    var latentSize: Int { 2 }
    var latentBounds: ClosedRange<Float>? { -1...1 }

    func generate(_ latents: Var) -> Var {
        let images = Var.matmul(latents, Var(constant: patterns)) * contrast
        return (images.reshaped([latents.shape[0]] + Array(mean.shape.dropFirst())) + mean).clamped(to: 0...1)
    }

    func sampleLatents(count: Int, generator: inout SeededGenerator) -> Tensor {
        Tensor.uniform([count, 2], low: -1, high: 1, generator: &generator)
    }
}
