import ArgumentParser
import Foundation
import InvLabBench
import InvLabSpec
import InvLabTensor

/// `invlab bench`: the reference workloads W0-W3 with the engine, as a table or JSON lines.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the engine on the reference workloads W0-W3.",
        discussion: """
        W0 sgemm peak (1024 and 2048), W1 MI-FACE on an MLP (500 steps), W2 MI-FACE on a CNN \
        (200 steps), W3 CNN training (50 steps of 64 images). Compare with PyTorch, JAX and NumPy \
        run in the same session (scripts/bench_compare.py does both and prints ratios).

        Examples:
          invlab bench
          invlab bench --json --only W2
          invlab bench --params /tmp/bench-params      # exact reference weights (dump_params.py)
          invlab bench --memory-steps 2000             # RSS growth over a long W2 run
        """)

    @Flag(help: "Print one JSON object per workload instead of a table.")
    var json = false

    @Option(help: "Run only these workloads (W0, W1, W2, W3); repeatable.")
    var only: [String] = []

    @Option(help: "Directory of reference weights written by the references' dump_params.py.")
    var params: String?

    @Option(help: "Also run W2 for this many steps and report the resident-set growth after warm-up.")
    var memorySteps: Int?

    func run() throws {
        let runner = BenchRunner(referenceParameters: params.map { URL(fileURLWithPath: $0) })
        let selected = only.isEmpty ? ["W0", "W1", "W2", "W3"] : only.map { $0.uppercased() }
        if let unknown = selected.first(where: { !["W0", "W1", "W2", "W3"].contains($0) }) {
            printError("error: unknown workload '\(unknown)'; expected W0, W1, W2 or W3")
            throw ExitCode(ExitCodes.badSpec)
        }
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
                print("\(result.workload.padding(toLength: 10, withPad: " ", startingAt: 0)) "
                      + "\(Self.format(result.value).leftPadded(9)) \(result.unit.padding(toLength: 13, withPad: " ", startingAt: 0)) "
                      + "\(String(format: "%7.2f s", result.seconds))  peak RSS \(String(format: "%.0f", result.peakRSSMegabytes)) MB  \(details)")
            }
            fflush(stdout)
        }
        if selected.contains("W0") { emit(runner.w0(n: 1024)); emit(runner.w0(n: 2048)) }
        if selected.contains("W1") { emit(try runner.w1()) }
        if selected.contains("W2") { emit(try runner.w2()) }
        if selected.contains("W3") { emit(try runner.w3()) }
        if let memorySteps { emit(try runner.w2Memory(steps: memorySteps)) }
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
