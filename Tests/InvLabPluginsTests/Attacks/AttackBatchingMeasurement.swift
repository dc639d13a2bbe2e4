import Foundation
import InvLabAttacks
import InvLabCore
import InvLabNN
import InvLabTensor
import Testing

/// The speed-up of attacking 40 identities as one batch over 40 single-image attacks, on
/// ORL-sized inputs (1 x 112 x 92, 40 classes). A measurement, not a unit test: it runs only
/// with `INVLAB_MEASURE=1`, and is meant for a release build:
///
///     INVLAB_MEASURE=1 swift test -c release --filter AttackBatchingMeasurement
///
/// Set `INVLAB_MEASURE_ITERATIONS` (default 100) and `INVLAB_MEASURE_MODELS` (comma-separated
/// subset of softmax,mlp,cnn) to change the workload, and `INVLAB_MEASURE_ONLY=batched` or
/// `sequential` to run one side alone (e.g. under `perf record`). `INVLAB_MEASURE_SIZE=28x28`
/// measures MNIST-sized images instead (height x width, one channel).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["INVLAB_MEASURE"] == "1"))
struct AttackBatchingMeasurement {
    static let shape: [Int] = {
        let parts = (ProcessInfo.processInfo.environment["INVLAB_MEASURE_SIZE"] ?? "112x92").split(separator: "x").compactMap { Int($0) }
        return parts.count == 2 ? [1, parts[0], parts[1]] : [1, 112, 92]
    }()
    static let identities = 40

    static func network(_ name: String) -> Network {
        let root: Sequential
        switch name {
        case "mlp": root = ClassifierArchitectures.mlp(inputShape: shape, hidden: [256], classes: identities)
        case "cnn": root = ClassifierArchitectures.cnn(inputShape: shape, channels: [32, 64], hidden: [256], classes: identities)
        default: root = ClassifierArchitectures.softmaxRegression(inputShape: shape, classes: identities)
        }
        return Network(root, inputShape: shape, seed: 1, name: name)
    }

    /// Multiply-accumulates of one forward pass of one image through the linear and
    /// convolution layers (everything else is elementwise and cheap by comparison).
    static func forwardMACs(_ layers: [any Layer], input: [Int]) -> Int {
        var shape = [1] + input, total = 0
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

    /// The machine's matrix-product peak as the engine reaches it (2048^3 through
    /// `BLAS.parallelGEMM`, best of 3), in FLOP/s.
    static func gemmPeak() -> Double {
        let n = 2048
        var generator = SeededGenerator(seed: 1)
        let a = Tensor.uniform([n, n], low: -1, high: 1, generator: &generator)
        let b = Tensor.uniform([n, n], low: -1, high: 1, generator: &generator)
        var best = Double.infinity
        for _ in 0..<3 {
            let start = Date()
            _ = Tensor.matmul(a, b)
            best = min(best, Date().timeIntervalSince(start))
        }
        return 2 * Double(n * n * n) / best
    }

    static func data() -> ExperimentData {
        let empty = LabeledSet(images: Tensor(zeros: [0] + shape), labels: [])
        return ExperimentData(imageShape: shape, classNames: (0..<identities).map { "p\($0)" }, privateTrain: empty, privateTest: empty,
                              publicSet: empty, publicClassNames: [], source: "measurement", isSynthetic: true, splitDescription: [:])
    }

    @Test func batchedAttackAgainstSequentialSingleImageAttacks() throws {
        let environment = ProcessInfo.processInfo.environment
        let iterations = Int(environment["INVLAB_MEASURE_ITERATIONS"] ?? "") ?? 100
        let models = (environment["INVLAB_MEASURE_MODELS"] ?? "softmax,mlp,cnn").split(separator: ",").map(String.init)
        let attack = try AttackTestKit.build("""
            type: gradient
            identity_loss: cross_entropy
            optimizer: {type: gradient_descent, lr: 0.1}
            iterations: \(iterations)
            init: {type: uniform}
            """)
        let data = Self.data()
        let peak = Self.gemmPeak()
        print(String(format: "MEASURE GEMM peak (2048^3, %d threads): %.1f GFLOP/s", Parallel.threads, peak / 1e9))
        for name in models {
            let model = NetworkModel(Self.network(name))
            func resources(_ targets: [Int]) throws -> AttackResources {
                try AttackTestKit.resources(targets: targets, data: data)
            }
            let only = environment["INVLAB_MEASURE_ONLY"]
            var clock = Date()
            var batchedSearch = 0.0
            if only != "sequential" {
                let batched = try attack.run(against: model, resources: resources(Array(0..<Self.identities)))
                #expect(batched.iterations.allSatisfy { $0 == iterations })
                batchedSearch = batched.seconds
            }
            let batchedSeconds = Date().timeIntervalSince(clock)
            clock = Date()
            var sequentialSearch = 0.0
            if only != "batched" {
                for identity in 0..<Self.identities {
                    sequentialSearch += try attack.run(against: model, resources: resources([identity])).seconds
                }
            }
            let sequentialSeconds = Date().timeIntervalSince(clock)
            let line = String(format: "%@ %@: %d identities x %d iterations: batched %.3f s (search %.3f s), sequential %.3f s (search %.3f s): speed-up %.1fx",
                              name, Self.shape.map(String.init).joined(separator: "x"), Self.identities, iterations, batchedSeconds, batchedSearch, sequentialSeconds, sequentialSearch,
                              sequentialSeconds / batchedSeconds)
            print("MEASURE " + line)
            // The bound: a batched step does 40 images' forward and input-gradient products
            // (2 x 2 x MACs FLOP each); at the GEMM peak with no other cost it could take no less
            // than this, so sequential / bound caps the speed-up that batching can give here.
            let flops = 4 * Double(Self.forwardMACs((Self.network(name).root as! Sequential).layers, input: Self.shape)) * Double(Self.identities * iterations)
            if batchedSearch > 0 && sequentialSearch > 0 {
                let bound = flops / peak
                print(String(format: "MEASURE %@: %.1f MFLOP per image-step; batched search %.1f GFLOP/s (%.0f %% of peak), sequential %.1f GFLOP/s; search speed-up %.1fx, at most %.1fx at peak",
                             name, flops / Double(Self.identities * iterations) / 1e6, flops / batchedSearch / 1e9, 100 * flops / batchedSearch / peak,
                             flops / sequentialSearch / 1e9, sequentialSearch / batchedSearch, sequentialSearch / bound))
            }
        }
    }
}
