import Foundation
import InvLabJSON
import InvLabBench
import InvLabCLI
import InvLabNN
import Testing

/// `invlab bench --only batching`: the FLOP count behind its speed-up bound, a tiny end-to-end
/// run, and its option checks.
@Suite("Batching benchmark")
struct BatchingBenchmarkTests {
    @Test("multiply-accumulates per image match hand counts on 112x92")
    func forwardMACs() {
        let shape = [1, 112, 92]
        func macs(_ name: String) -> Int {
            BatchingBenchmark.forwardMACs(BatchingBenchmark.network(name, imageShape: shape).layers, imageShape: shape)
        }
        #expect(macs("softmax") == 10304 * 40)
        #expect(macs("mlp") == 10304 * 256 + 256 * 40)
        // conv 1->32 at 112x92, conv 32->64 at 56x46, linear 64*28*23 -> 256 -> 40.
        #expect(macs("cnn") == 32 * 9 * 112 * 92 + 64 * 32 * 9 * 56 * 46 + 64 * 28 * 23 * 256 + 256 * 40)
    }

    @Test("a tiny run reports every model with consistent figures")
    func tinyRun() throws {
        var results: [BenchResult] = []
        try BatchingBenchmark(imageShape: [1, 8, 8], iterations: 3).run(models: ["softmax", "mlp", "cnn"], peak: 1e11) { results.append($0) }
        #expect(results.map(\.workload) == ["batching-softmax", "batching-mlp", "batching-cnn"])
        for result in results {
            let details = Dictionary(uniqueKeysWithValues: result.details)
            let batched = try #require(details["batched_s"]), sequential = try #require(details["sequential_s"])
            #expect(batched > 0 && sequential > 0)
            #expect(abs(result.value - sequential / batched) < 1e-9)
            let search = try #require(details["sequential_search_s"]), flops = try #require(details["mflop_per_image_step"]) * 1e6 * 40 * 3
            #expect(abs(try #require(details["speedup_bound"]) - search / (flops / 1e11)) < 1e-6 * search / (flops / 1e11))
            #expect(details["peak_gflops"] == 100)
        }
    }
}

@Suite("invlab bench --only batching", .enabled(if: invlabBinary != nil, "set INVLAB_BINARY to a release invlab (make test does)"))
struct BatchingBenchCommandTests {
    func run(_ arguments: [String]) throws -> ProcessOutput { try runProcess(invlabBinary!, ["bench"] + arguments) }

    @Test("prints one JSON object per model")
    func json() throws {
        let result = try run(["--json", "--only", "batching", "--batching-size", "8x8", "--batching-iterations", "2",
                              "--batching-models", "softmax,mlp"])
        #expect(result.status == 0)
        let objects = result.output.split(separator: "\n").compactMap { try? JSONValue.parse(Data($0.utf8)) }
        #expect(objects.compactMap { $0["workload"]?.stringValue } == ["batching-softmax", "batching-mlp"])
        #expect(objects.allSatisfy { ($0["speedup_bound"]?.doubleValue ?? 0) > 0 })
    }

    @Test("bad batching options exit 64 with a message", arguments: [
        (["--batching-size", "8by8"], "error: --batching-size must be HEIGHTxWIDTH with sides of at least 4 pixels and at most 2^20 pixels, got '8by8'\n"),
        (["--batching-iterations", "0"], "error: --batching-iterations must be in 1...100000, got 0\n"),
        (["--batching-models", "softmax,resnet"], "error: unknown batching model 'resnet'; expected softmax, mlp or cnn\n"),
    ])
    func badOptions(arguments: [String], message: String) throws {
        let result = try run(["--only", "batching"] + arguments)
        #expect(result.status == 64)
        #expect(result.errors == message)
        #expect(!result.output.contains("batching-"))
    }
}
