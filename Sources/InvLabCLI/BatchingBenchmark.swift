import Foundation
import InvLabBench
import InvLabBuiltins
import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor

/// `invlab bench --only batching`: how much faster attacking 40 identities as one batch is than
/// attacking them one image at a time, beside the largest speed-up the machine's GEMM peak allows.
///
/// The attack is the `gradient` plugin built from YAML like any spec's: cross-entropy identity
/// loss, plain gradient descent (lr 0.1), uniform start, projection to [0, 1], `iterations` steps.
/// The target networks (random weights; the time does not depend on them) are softmax
/// regression, an MLP with 256 hidden units and a CNN (3x3 convolutions of 32 and 64 channels,
/// each with ReLU and 2x2 max pooling, then 256 hidden units), all with 40 classes.
///
/// The bound: a step does a forward and an input-gradient product per image (4 FLOP per
/// multiply-accumulate of the linear and convolution layers); at the GEMM peak with nothing else,
/// the batched search could take no less than FLOPs / peak, so sequential search time / that
/// bound caps the speed-up batching can give on this machine.
public struct BatchingBenchmark {
    public static let models = ["softmax", "mlp", "cnn"]
    public static let identities = 40

    public var imageShape: [Int]
    public var iterations: Int
    /// The plugins to build the attack from (nil: the built-ins).
    public var registries: Registries?

    public init(imageShape: [Int], iterations: Int, registries: Registries? = nil) {
        (self.imageShape, self.iterations, self.registries) = (imageShape, iterations, registries)
    }

    public static func network(_ name: String, imageShape: [Int]) -> Sequential {
        switch name {
        case "mlp": ClassifierArchitectures.mlp(inputShape: imageShape, hidden: [256], classes: identities)
        case "cnn": ClassifierArchitectures.cnn(inputShape: imageShape, channels: [32, 64], hidden: [256], classes: identities)
        default: ClassifierArchitectures.softmaxRegression(inputShape: imageShape, classes: identities)
        }
    }

    /// Multiply-accumulates of one image's forward pass through the linear and convolution layers.
    public static func forwardMACs(_ layers: [any Layer], imageShape: [Int]) -> Int {
        var shape = [1] + imageShape, total = 0
        for layer in layers {
            let output = layer.outputShape(for: shape)
            if let linear = layer as? Linear { total += linear.inputFeatures * linear.outputFeatures }
            if let conv = layer as? Conv2d {
                total += conv.outputChannels * conv.inputChannels * conv.kernel * conv.kernel * output[2] * output[3]
            }
            shape = output
        }
        return total
    }

    /// The matrix-product peak the bound divides by: W0's median at 2048^3, in FLOP/s.
    public static func gemmPeak() -> Double {
        BenchRunner().w0(n: 2048).value * 1e9
    }

    public func attack(registries: Registries) throws -> any AttackPlugin {
        let yaml = """
            type: gradient
            identity_loss: cross_entropy
            optimizer: {type: gradient_descent, lr: 0.1}
            iterations: \(iterations)
            init: {type: uniform}
            """
        let node = try YAMLLoader().parse(yaml, file: "batching-benchmark.yaml", cache: SourceCache())
        let plugin = try decode(PluginNode.self, from: node, at: SpecPath.root.appending("attack"))
        let context = BuildContext(specDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath), seed: 7,
                                   registries: registries)
        return try registries.attacks.build(plugin, context: context)
    }

    /// One result per model: value = wall-time speed-up; details carry the seconds (wall and
    /// search alone), GFLOP/s and the speed-up bound.
    public func run(models: [String], peak: Double, emit: (BenchResult) -> Void) throws {
        let registries = try self.registries ?? Builtins.registries()
        let attack = try attack(registries: registries)
        let empty = LabeledSet(images: Tensor(zeros: [0] + imageShape), labels: [])
        let data = ExperimentData(imageShape: imageShape, classNames: (0..<Self.identities).map { "p\($0)" },
                                  privateTrain: empty, privateTest: empty, publicSet: empty, publicClassNames: [],
                                  source: "batching benchmark", isSynthetic: true, splitDescription: [:])
        func resources(_ targets: [Int]) -> AttackResources {
            AttackResources(data: data, targets: targets, environment: .ephemeral(), seed: 11, registries: registries)
        }
        for name in models {
            let root = Self.network(name, imageShape: imageShape)
            let model = NetworkModel(Network(root, inputShape: imageShape, seed: 1, name: name))
            var clock = Date()
            let batched = try attack.run(against: model, resources: resources(Array(0..<Self.identities)))
            let batchedWall = Date().timeIntervalSince(clock)
            clock = Date()
            var sequentialSearch = 0.0
            for identity in 0..<Self.identities {
                sequentialSearch += try attack.run(against: model, resources: resources([identity])).seconds
            }
            let sequentialWall = Date().timeIntervalSince(clock)
            let flopsPerImageStep = 4 * Double(Self.forwardMACs(root.layers, imageShape: imageShape))
            let flops = flopsPerImageStep * Double(Self.identities * iterations)
            emit(BenchResult(workload: "batching-\(name)", unit: "x speed-up", value: sequentialWall / batchedWall,
                             seconds: batchedWall + sequentialWall, peakRSSMegabytes: ResourceUsage.peakRSSMegabytes,
                             details: [("batched_s", batchedWall), ("sequential_s", sequentialWall),
                                       ("batched_search_s", batched.seconds), ("sequential_search_s", sequentialSearch),
                                       ("mflop_per_image_step", flopsPerImageStep / 1e6),
                                       ("batched_gflops", flops / batched.seconds / 1e9),
                                       ("sequential_gflops", flops / sequentialSearch / 1e9),
                                       ("peak_gflops", peak / 1e9),
                                       ("search_speedup", sequentialSearch / batched.seconds),
                                       ("speedup_bound", sequentialSearch / (flops / peak))]))
        }
    }
}
