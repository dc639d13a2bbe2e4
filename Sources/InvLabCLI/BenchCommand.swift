import ArgumentParser
import Foundation
import InvLabBench
import InvLabSpec
import InvLabTensor

/// `invlab bench`: the reference workloads W0-W3 with the engine, as a table or JSON lines.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the engine on the reference workloads W0-W3, and batched attacks.",
        discussion: """
        W0 sgemm peak (1024 and 2048), W1 MI-FACE on an MLP (500 steps), W2 MI-FACE on a CNN \
        (200 steps), W3 CNN training (50 steps of 64 images). Compare with PyTorch, JAX and NumPy \
        run in the same session (scripts/bench_compare.py does both and prints ratios).

        `--only W4` (not run by default) times one forward plus input-gradient step of an imported \
        ONNX classifier at batch 40 (`--onnx-model`, written with its batch by \
        scripts/bench_w4_onnx.py export: ResNet-18's layout at 112x92 grey, 40 classes); \
        scripts/bench_compare.py --workloads W4 runs it beside PyTorch on the same model.

        `--only batching` (not run by default) attacks 40 identities as one batch and as 40 \
        single-image attacks (softmax regression, MLP, CNN targets) and prints the speed-up \
        beside the largest one this machine's GEMM peak allows; scripts/batching_compare.py runs \
        it beside PyTorch.

        Examples:
          invlab bench
          invlab bench --json --only W2
          invlab bench --params /tmp/bench-params      # exact reference weights (dump_params.py)
          invlab bench --only W4 --onnx-model /tmp/resnet18.onnx
          invlab bench --memory-steps 2000             # RSS growth over a long W2 run
          invlab bench --only batching --batching-size 28x28 --batching-models softmax,mlp
        """)

    @Flag(help: "Print one JSON object per workload instead of a table.")
    var json = false

    @Option(help: "Run only these workloads (W0, W1, W2, W3, W4, batching); repeatable.")
    var only: [String] = []

    @Option(help: "Image size of the batching workload, HEIGHTxWIDTH (one channel).")
    var batchingSize = "112x92"

    @Option(help: "Attack steps of the batching workload.")
    var batchingIterations = 100

    @Option(help: "Targets of the batching workload, comma-separated (softmax, mlp, cnn).")
    var batchingModels = "softmax,mlp,cnn"

    @Option(help: "The ONNX model of W4 (beside it MODEL.x.npy, the batch), as scripts/bench_w4_onnx.py export writes them.")
    var onnxModel: String?

    @Option(help: "Timed steps of W4 (after 2 warm-up steps).")
    var w4Steps = 10

    @Option(help: "Directory of reference weights written by the references' dump_params.py.")
    var params: String?

    @Option(help: "Also run W2 for this many steps and report the resident-set growth after warm-up.")
    var memorySteps: Int?

    func run() throws {
        let runner = BenchRunner(referenceParameters: params.map { URL(fileURLWithPath: $0) })
        let selected = only.isEmpty ? ["W0", "W1", "W2", "W3"] : only.map { $0.uppercased() }
        if let unknown = selected.first(where: { !["W0", "W1", "W2", "W3", "W4", "BATCHING"].contains($0) }) {
            printError("error: unknown workload '\(unknown)'; expected W0, W1, W2, W3, W4 or batching")
            throw ExitCode(ExitCodes.badSpec)
        }
        if selected.contains("W4"), onnxModel == nil || !(1...100_000).contains(w4Steps) {
            printError("error: W4 needs --onnx-model MODEL (scripts/bench_w4_onnx.py export MODEL writes it) and --w4-steps in 1...100000")
            throw ExitCode(ExitCodes.badSpec)
        }
        let batching = selected.contains("BATCHING") ? try batchingBenchmark() : nil
        if !json {
            print("InversionLab bench: \(BLASKernel.status), \(Parallel.threads) threads")
        }
        var results: [BenchResult] = []
        func emit(_ result: BenchResult) {
            results.append(result)
            if json {
                print(Self.jsonLine(result))
            } else {
                let details = result.details.map { "\($0.0)=\(Self.format($0.1))" }.joined(separator: " ")
                print("\(result.workload.padding(toLength: max(10, result.workload.count), withPad: " ", startingAt: 0)) "
                      + "\(Self.format(result.value).leftPadded(9)) \(result.unit.padding(toLength: 13, withPad: " ", startingAt: 0)) "
                      + "\(String(format: "%7.2f s", result.seconds))  peak RSS \(String(format: "%.0f", result.peakRSSMegabytes)) MB  \(details)")
            }
            fflush(nil)  // every output stream, stdout included (Swift 6 rejects the C global `stdout`)
        }
        if selected.contains("W0") { emit(runner.w0(n: 1024)); emit(runner.w0(n: 2048)) }
        if selected.contains("W1") { emit(try runner.w1()) }
        if selected.contains("W2") { emit(try runner.w2()) }
        if selected.contains("W3") { emit(try runner.w3()) }
        if selected.contains("W4"), let onnxModel { emit(try runner.w4(model: onnxModel, steps: w4Steps)) }
        if let memorySteps { emit(try runner.w2Memory(steps: memorySteps)) }
        if let batching {
            try batching.benchmark.run(models: batching.models, peak: BatchingBenchmark.gemmPeak(), emit: emit)
        }
    }

    /// The batching workload the options describe, checked before anything runs.
    func batchingBenchmark() throws -> (benchmark: BatchingBenchmark, models: [String]) {
        let sides = batchingSize.split(separator: "x").map { Int($0) }
        guard sides.count == 2, let height = sides[0], let width = sides[1], height >= 4, width >= 4, height * width <= 1 << 20 else {
            printError("error: --batching-size must be HEIGHTxWIDTH with sides of at least 4 pixels and at most 2^20 pixels, got '\(batchingSize)'")
            throw ExitCode(ExitCodes.badSpec)
        }
        guard (1...100_000).contains(batchingIterations) else {
            printError("error: --batching-iterations must be in 1...100000, got \(batchingIterations)")
            throw ExitCode(ExitCodes.badSpec)
        }
        let models = batchingModels.split(separator: ",").map { String($0) }
        if let unknown = models.first(where: { !BatchingBenchmark.models.contains($0) }) {
            printError("error: unknown batching model '\(unknown)'; expected softmax, mlp or cnn")
            throw ExitCode(ExitCodes.badSpec)
        }
        guard !models.isEmpty else {
            printError("error: --batching-models is empty; expected some of softmax, mlp, cnn")
            throw ExitCode(ExitCodes.badSpec)
        }
        return (BatchingBenchmark(imageShape: [1, height, width], iterations: batchingIterations,
                                  registries: try CommandEnvironment.loadRegistries()), models)
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(format: "%.4g", value)
    }

    /// One JSON object; numbers at full precision (NaN and infinities as null, which JSON lacks).
    static func jsonLine(_ result: BenchResult) -> String {
        var members: [(key: String, value: JSONValue)] = [
            ("workload", .string(result.workload)), ("unit", .string(result.unit)), ("value", .number(result.value)),
            ("seconds", .number(result.seconds)), ("peak_rss_mb", .number(result.peakRSSMegabytes.rounded())),
            ("blas_kernel", .string(BLAS.kernelName)), ("threads", .integer(Parallel.threads)),
        ]
        members += result.details.map { ($0.0, JSONValue.number($0.1)) }
        return JSONValue.object(members).serialized(pretty: false)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
