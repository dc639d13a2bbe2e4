import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor
import Testing

/// Every registered plugin, for parameterised tests.
let allPluginDescriptors: [PluginDescriptor] = (try? Builtins.registries().descriptors()) ?? []

/// Datasets that read files or fetch data, which the determinism test cannot run on its tiny
/// fixtures; each has its own suite (ORLFacesTests, MNIST5kTests, IDXDatasetTests, ImageFolderTests)
/// that checks what it loads.
let externalDataPlugins: Set<String> = ["orl", "mnist5k", "idx", "image_folder"]

/// Recognizers that read a model file, which the determinism test does not have; each has its
/// own suite (ONNXRecognizerTests) that runs it on a model written by the test.
let externalModelPlugins: Set<String> = ["onnx"]

/// The plugins the determinism test runs: every one but `externalDataPlugins` and `externalModelPlugins`.
let runnablePluginDescriptors = allPluginDescriptors.filter {
    !($0.kind == .dataset && externalDataPlugins.contains($0.id)) && !($0.kind == .recognizer && externalModelPlugins.contains($0.id))
}

extension PluginDescriptor: CustomTestStringConvertible {
    public var testDescription: String { "\(kind.rawValue) \(id)" }
}

/// Plugin options from a YAML example, as a spec would give them at `kind`.
func pluginNode(_ yaml: String, path: SpecPath = SpecPath.root.appending("plugin")) throws -> PluginNode {
    let node = try YAMLLoader().parse(yaml, file: "example.yaml", cache: SourceCache())
    return try decode(PluginNode.self, from: node, at: path)
}

/// The same node with every `epochs` set to 1 and every `iterations` to 3 (recursively), so
/// that determinism checks of trainable examples stay fast in debug builds.
func shortened(_ node: Node) -> Node {
    switch node.content {
    case .mapping(let entries):
        return .mapping(entries.map { entry in
            switch entry.key {
            case "epochs": return entry.replacingValue(with: .value(.int(1)))
            case "iterations": return entry.replacingValue(with: .value(.int(3)))
            default: return entry.replacingValue(with: shortened(entry.value))
            }
        }, at: node.location)
    case .sequence(let items):
        return .sequence(items.map(shortened), at: node.location)
    case .scalar:
        return node
    }
}

func buildContext(_ registries: Registries) -> BuildContext {
    BuildContext(specDirectory: FileManager.default.temporaryDirectory, seed: 5, registries: registries)
}

/// Tiny data: 6 synthetic people x 4 images of 16x16; 4 private (3 train, 1 test), 2 public.
let tinyData: ExperimentData = {
    var generator = SeededGenerator(seed: 9)
    func images(_ count: Int, offset: Float) -> Tensor {
        (Tensor.uniform([count, 1, 16, 16], generator: &generator) * 0.5 + offset).clamped(to: 0...1)
    }
    let trainLabels = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]
    let train = LabeledSet(images: Tensor.concatenate((0..<4).map { images(3, offset: Float($0) * 0.1) }, alongAxis: 0), labels: trainLabels)
    let test = LabeledSet(images: images(4, offset: 0.2), labels: [0, 1, 2, 3])
    let publicSet = LabeledSet(images: images(8, offset: 0.25), labels: [0, 0, 0, 0, 1, 1, 1, 1])
    return ExperimentData(imageShape: [1, 16, 16], classNames: ["a", "b", "c", "d"], privateTrain: train, privateTest: test,
                          publicSet: publicSet, publicClassNames: ["p", "q"], source: "conformance fixture", isSynthetic: true,
                          splitDescription: ["source": "conformance fixture"])
}()

/// A small trained-enough target for attack, defense and metric checks.
/// A small trained MLP; a training failure fails the test that needs it.
func tinyTarget() throws -> Network {
    var network = Network(ClassifierArchitectures.mlp(inputShape: [1, 16, 16], hidden: [12], classes: 4), inputShape: [1, 16, 16],
                          seed: 2, name: "tiny target")
    var settings = TrainingSettings()
    settings.epochs = 5
    settings.batchSize = 4
    settings.optimizer = .adam(learningRate: 0.01)
    try ClassifierTrainer(settings: settings).train(&network, images: tinyData.privateTrain.images, labels: tinyData.privateTrain.labels)
    return network
}

/// Resources backed by a private cache directory.
func tinyEnvironment() -> RunEnvironment {
    let dataDirectory = ProcessInfo.processInfo.environment["INVLAB_DATA_DIR"].map { URL(fileURLWithPath: $0) }
        ?? URL(fileURLWithPath: "/tmp/invlab-test-data")
    return RunEnvironment(cache: ModelCache(directory: nil), progress: ProgressReporter(style: .quiet), dataDirectory: dataDirectory)
}

func attackResources(_ registries: Registries) -> AttackResources {
    AttackResources(data: tinyData, targets: [0, 1, 2, 3], environment: tinyEnvironment(), seed: 11, registries: registries)
}

func defenseResources(_ registries: Registries) -> DefenseResources {
    DefenseResources(data: tinyData, environment: tinyEnvironment(), seed: 13, registries: registries)
}

extension Tensor {
    /// True when both tensors have the same shape and bit-identical scalars.
    func identical(to other: Tensor) -> Bool { shape == other.shape && scalars == other.scalars }
}
