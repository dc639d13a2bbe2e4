import Foundation
import InvLabIO
import InvLabNN
import InvLabONNX
import InvLabTensor

/// One measured workload, printed as a table row or one JSON line.
public struct BenchResult: Sendable {
    public var workload: String
    public var unit: String
    public var value: Double
    public var seconds: Double
    public var peakRSSMegabytes: Double
    /// Extra figures: matrix size for W0, start and end losses, RSS growth for the memory check.
    public var details: [(String, Double)] = []

    public init(workload: String, unit: String, value: Double, seconds: Double, peakRSSMegabytes: Double,
                details: [(String, Double)] = []) {
        (self.workload, self.unit, self.value, self.seconds) = (workload, unit, value, seconds)
        (self.peakRSSMegabytes, self.details) = (peakRSSMegabytes, details)
    }
}

/// The reference workloads W0-W3 of `../shared/bench/README.md`, implemented with the engine
/// exactly as defined there, so that their figures can be divided by PyTorch's, JAX's and
/// NumPy's measured in the same run.
public struct BenchRunner {
    /// Directory written by the references' `dump_params.py` (exact weights and batches); when
    /// nil, the networks are initialised with the same distributions from the engine's RNG.
    public var referenceParameters: URL?
    /// Step counts (the definitions: 500, 200, 50 after 5 warm-up).
    public var w1Steps = 500, w2Steps = 200, w3Steps = 50, w3Warmup = 5

    public init(referenceParameters: URL? = nil) { self.referenceParameters = referenceParameters }

    static let tvWeight: Float = 0.01, tvEpsilon: Float = 1e-8, attackRate: Float = 0.1

    /// W0: sgemm peak, median of 10 after warm-up, through the engine's (threaded) GEMM path.
    public func w0(n: Int) -> BenchResult {
        var generator = SeededGenerator(seed: 0)
        let a = Tensor.uniform([n, n], generator: &generator), b = Tensor.uniform([n, n], generator: &generator)
        _ = Tensor.matmul(a, b)
        var times: [Double] = []
        for _ in 0..<10 {
            let start = DispatchTime.now()
            _ = Tensor.matmul(a, b)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9)
        }
        let median = times.sorted()[times.count / 2]
        return BenchResult(workload: "W0", unit: "GFLOP/s", value: 2 * pow(Double(n), 3) / median / 1e9,
                           seconds: times.reduce(0, +), peakRSSMegabytes: ResourceUsage.peakRSSMegabytes,
                           details: [("n", Double(n))])
    }

    /// The MI-FACE objective of W1/W2: per image t, ||softmax(f(x_t)) - onehot(t)||^2 + 0.01 TV(x_t), summed.
    static func attackLoss(_ network: Network, _ x: Var, _ onehot: Tensor) -> Var {
        let fidelity = (network.forward(x).softmax() - onehot).squared().sumPerSample()
        return (fidelity + totalVariation(x, epsilon: tvEpsilon) * tvWeight).sum()
    }

    /// Runs `steps` attack steps from zeros; returns seconds, start and end mean loss.
    static func attack(_ network: Network, steps: Int, warmup: Int = 3, sampleRSS: ((Int) -> Void)? = nil) -> (Double, Double, Double) {
        let onehot = Tensor.oneHot(Array(0..<BenchNetworks.classes), classes: BenchNetworks.classes)
        let zeros = Tensor(zeros: [BenchNetworks.classes, 1, BenchNetworks.side, BenchNetworks.side])
        var x = zeros
        for _ in 0..<warmup { _ = valueWithGradient(at: x) { attackLoss(network, $0, onehot) } }
        let startLoss = Double(attackLoss(network, Var(constant: zeros), onehot).value.scalar) / Double(BenchNetworks.classes)
        x = zeros
        let start = DispatchTime.now()
        for step in 0..<steps {
            let (_, gradient) = valueWithGradient(at: x) { attackLoss(network, $0, onehot) }
            x.add(gradient, scaledBy: -attackRate)
            x.clamp(to: 0...1)
            sampleRSS?(step)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let endLoss = Double(attackLoss(network, Var(constant: x), onehot).value.scalar) / Double(BenchNetworks.classes)
        return (seconds, startLoss, endLoss)
    }

    func network(_ base: Network, prefix: String) throws -> Network {
        var network = base
        if let referenceParameters { try BenchNetworks.loadReference(&network, directory: referenceParameters, prefix: prefix) }
        return network
    }

    /// W1: MI-FACE on the MLP, 500 steps, steps/s.
    public func w1() throws -> BenchResult {
        let (seconds, startLoss, endLoss) = BenchRunner.attack(try network(BenchNetworks.mlp, prefix: "mlp"), steps: w1Steps)
        return BenchResult(workload: "W1", unit: "steps/s", value: Double(w1Steps) / seconds, seconds: seconds,
                           peakRSSMegabytes: ResourceUsage.peakRSSMegabytes, details: [("start_loss", startLoss), ("end_loss", endLoss)])
    }

    /// W2: MI-FACE on the CNN, 200 steps, steps/s.
    public func w2() throws -> BenchResult {
        let (seconds, startLoss, endLoss) = BenchRunner.attack(try network(BenchNetworks.cnn, prefix: "cnn"), steps: w2Steps)
        return BenchResult(workload: "W2", unit: "steps/s", value: Double(w2Steps) / seconds, seconds: seconds,
                           peakRSSMegabytes: ResourceUsage.peakRSSMegabytes, details: [("start_loss", startLoss), ("end_loss", endLoss)])
    }

    /// W2 run for `steps` steps while sampling the resident set: growth after warm-up (in %).
    public func w2Memory(steps: Int) throws -> BenchResult {
        var samples: [(Int, Double)] = []
        let (seconds, _, _) = BenchRunner.attack(try network(BenchNetworks.cnn, prefix: "cnn"), steps: steps) { step in
            if step % 50 == 49 { samples.append((step + 1, ResourceUsage.currentRSSMegabytes)) }
        }
        let warm = samples.first { $0.0 >= min(200, steps / 4) }?.1 ?? samples.first?.1 ?? 0
        let last = samples.last?.1 ?? 0
        return BenchResult(workload: "W2-memory", unit: "% RSS growth", value: warm > 0 ? (last - warm) / warm * 100 : 0,
                           seconds: seconds, peakRSSMegabytes: ResourceUsage.peakRSSMegabytes,
                           details: [("steps", Double(steps)), ("rss_after_warmup_mb", warm), ("rss_end_mb", last)])
    }

    /// W3: CNN training, SGD momentum 0.9, lr 0.01, batches of 64, 50 timed steps after 5 warm-up; images/s.
    public func w3() throws -> BenchResult {
        var network = try network(BenchNetworks.cnn, prefix: "cnn")
        let total = w3Warmup + w3Steps
        var batches: [(Tensor, [Int])] = []
        if let referenceParameters {
            let xs = try NPYFile.read(contentsOf: referenceParameters.appendingPathComponent("train_x.npy"))
            let ys = try NPYFile.read(contentsOf: referenceParameters.appendingPathComponent("train_y.npy"))
            for i in 0..<total {
                batches.append((xs.slice(alongAxis: 0, i..<(i + 1)).reshaped([64, 1, 64, 64]),
                                ys.slice(alongAxis: 0, i..<(i + 1)).scalars.map { Int($0) }))
            }
        } else {
            var generator = SeededGenerator(seed: 1)
            for _ in 0..<total {
                batches.append((Tensor.uniform([64, 1, 64, 64], generator: &generator),
                                (0..<64).map { _ in generator.nextInt(below: BenchNetworks.classes) }))
            }
        }
        var optimizer = SGD(learningRate: 0.01, momentum: 0.9)
        var losses: [Double] = []
        var start = DispatchTime.now()
        for (i, (x, y)) in batches.enumerated() {
            if i == w3Warmup { start = DispatchTime.now() }
            let net = network
            let (loss, grads) = valueWithGradient(at: network.state.parameterList) { p in
                crossEntropy(logits: net.forward(Var(constant: x), parameters: p, mode: .training, generator: SeededGenerator(seed: 0)).0, labels: y)
            }
            var parameters = network.state.parameterList
            optimizer.update(&parameters, gradients: grads)
            network.state.setParameters(parameters)
            losses.append(Double(loss.scalar))
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return BenchResult(workload: "W3", unit: "images/s", value: Double(64 * w3Steps) / seconds, seconds: seconds,
                           peakRSSMegabytes: ResourceUsage.peakRSSMegabytes,
                           details: [("first_loss", losses.first ?? 0), ("last_loss", losses.last ?? 0)])
    }
}

/// Resident-set figures of this process.
public enum ResourceUsage {
    /// Peak resident set size (getrusage), in MiB.
    public static var peakRSSMegabytes: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// Current resident set size (/proc/self/statm), in MiB.
    public static var currentRSSMegabytes: Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }
}

extension BenchRunner {
    /// W4: one forward plus input-gradient step of an imported ONNX classifier (scripts/bench_w4_onnx.py
    /// exports ResNet-18's layout at 112 x 92 grey with 40 classes, and the batch of 40 images
    /// beside it as `MODEL.x.npy`): the MI-FACE objective sum_i ||softmax(f(x)_i) - onehot(i)||^2
    /// and its gradient with respect to x, `steps` times after `warmup`; steps/s.
    public func w4(model path: String, steps: Int = 10, warmup: Int = 2) throws -> BenchResult {
        let model = try ONNXModel(contentsOf: path)
        let x = try NPYFile.read(contentsOf: URL(fileURLWithPath: path + ".x.npy"))
        let logits = try model(Var(constant: x.slice(alongAxis: 0, 0..<1)))
        let classes = logits.shape.last ?? 1
        let onehot = Tensor.oneHot((0..<x.shape[0]).map { $0 % classes }, classes: classes)
        func step() throws -> (Tensor, Tensor) {
            try valueWithGradient(at: x) { ((try model($0).softmax() - onehot).squared()).sum() }
        }
        for _ in 0..<warmup { _ = try step() }
        var last = (Tensor(zeros: []), Tensor(zeros: []))
        let start = DispatchTime.now()
        for _ in 0..<steps { last = try step() }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let norm = (last.1 * last.1).sum().squareRoot()
        return BenchResult(workload: "W4", unit: "steps/s", value: Double(steps) / seconds, seconds: seconds,
                           peakRSSMegabytes: ResourceUsage.peakRSSMegabytes,
                           details: [("batch", Double(x.shape[0])), ("loss", Double(last.0.scalar)), ("grad_norm", Double(norm))])
    }
}
