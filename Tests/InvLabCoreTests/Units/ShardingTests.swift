import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabIO
import InvLabTensor
import Testing

/// A sweep over the dummy defense with restarts, random starts and early stopping, so that
/// identity chunks exercise everything a merge must put back together (rows that stop at
/// different steps, objective terms, starts) through an MLP target and a CNN f'.
let shardSpec = """
version: 1
name: shards
seed: 5
data:
  source: {type: synthetic_faces, identities: 9, images_per_identity: 4, height: 16, width: 12}
  train_per_identity: 3
  public_identities: 3
target: {type: mlp, hidden: [16], train: {epochs: 3, batch_size: 8}}
evaluator: {type: mlp, hidden: [12], train: {epochs: 3, batch_size: 8}}
judges: [{type: network, name: evaluator}, {type: fisherfaces}]
attack:
  type: gradient
  iterations: 12
  restarts: 2
  init: {type: uniform}
  early_stopping: {window: 2}
  curve_every: 5
  regularizers: [{type: total_variation, weight: 0.01}]
  optimizer: {type: adam, lr: 0.05}
metrics: [attack_accuracy, target_confidence, knn_distance, image_similarity, objective, cost]
output: {images: true, report: false}
sweep:
  defense: [none, {type: dummy_recognizer, lambda: 0.25, recognizer: {type: cnn, channels: [4], hidden: [8], train: {epochs: 2}}}]

"""

/// The files of a run that must not depend on how it was split (timings.csv and run.json do).
let reproducibleFiles = ["results.csv", "results.md", "targets.csv", "trials/0000/reconstructions.npy", "trials/0001/reconstructions.npy",
                         "trials/0000/attempts.npy", "trials/0001/attempts.npy", "trials/0001/loss_curves.csv", "trials/0001/objective_terms.csv"]

func shardRunner(_ fixture: SpecFixture, out: String, cache: String = "cache") throws -> ShardRunner {
    var options = RunOptions(dataDirectory: fixture.directory.appendingPathComponent("data"))
    options.outDirectory = fixture.directory.appendingPathComponent(out)
    options.cacheDirectory = fixture.directory.appendingPathComponent(cache)
    options.progress = .quiet
    let runner = ExperimentRunner(loaded: try fixture.load(), registries: try Builtins.registries(), options: options)
    return ShardRunner(runner: runner, directory: fixture.directory.appendingPathComponent(out))
}

@Suite("Work units, shards and merge")
struct ShardingTests {
    @Test("units: whole trials without a chunk; chunks in order with the remainder last; shards dealt round-robin")
    func layout() throws {
        let whole = UnitLayout.units(trials: [0, 1], identities: [0: 7, 1: 7], chunk: nil, costPerIdentity: [0: 10, 1: 10])
        #expect(whole.map(\.id) == ["t0000", "t0001"])
        #expect(whole.map(\.cost) == [70, 70])
        let chunked = UnitLayout.units(trials: [0, 1], identities: [0: 7, 1: 2], chunk: 3, costPerIdentity: [:])
        #expect(chunked.map(\.id) == ["t0000-c0000", "t0000-c0001", "t0000-c0002", "t0001"])
        #expect(chunked.map(\.positions) == [0..<3, 3..<6, 6..<7, 0..<2])
        let layout = UnitLayout(specHash: "h", chunk: 3, shards: 3, units: chunked, specFile: "s", overrides: [])
        #expect(layout.units(ofShard: 1).map(\.id) == ["t0000-c0000", "t0001"])
        #expect(chunked.map { layout.shard(of: $0) } == [1, 2, 3, 1])
        #expect(layout.isChunked(trial: 0) && !layout.isChunked(trial: 1))
    }

    @Test("--shard K/N is checked with a message that says what is wrong")
    func shardSelection() throws {
        #expect(try ShardSelection(parsing: "2/4") == ShardSelection(parsing: "2/4"))
        #expect(try ShardSelection(parsing: "2/4").index == 2)
        for (text, message) in [("3/2", "--shard 3/2: shard numbers run from 1 to 2"), ("0/2", "--shard 0/2: shard numbers run from 1 to 2"),
                                ("2", "--shard expects K/N (shard K of N, e.g. 2/4), got '2'"),
                                ("1/0", "--shard 1/0: the number of shards must be at least 1")] {
            #expect(throws: UnitError.self) { try ShardSelection(parsing: text) }
            do { _ = try ShardSelection(parsing: text) } catch let error as UnitError { #expect(error.message == message) }
        }
    }

    @Test("shards with identity chunks and with whole trials merge byte-identically into the one-process run")
    func byteIdentity() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": shardSpec])
        defer { fixture.remove() }
        let single = try runSpec(fixture, out: "single")
        #expect(single.outcomes.allSatisfy { $0.status == .completed })
        for (out, shards, chunk) in [("chunks", 2, 2), ("ones", 3, 1), ("trials", 2, nil)] as [(String, Int, Int?)] {
            var merged: RunSummary?
            for shard in 1...shards {
                let summary = try shardRunner(fixture, out: out).run(shard: try ShardSelection(parsing: "\(shard)/\(shards)"), chunk: chunk)
                #expect(summary.failed.isEmpty)
                #expect((summary.merged != nil) == (shard == shards), "\(out): only the last shard merges")
                merged = summary.merged ?? merged
            }
            #expect(merged?.outcomes.count == 2)
            for file in reproducibleFiles {
                let expected = try Data(contentsOf: single.directory.appendingPathComponent(file))
                let got = try Data(contentsOf: fixture.directory.appendingPathComponent(out).appendingPathComponent(file))
                #expect(got == expected, "\(out): \(file) differs from the one-process run")
            }
        }
    }

    @Test("merge refuses while units are missing, naming them, and writes nothing; a dead process's unit shows as failed")
    func incompleteMerge() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": shardSpec])
        defer { fixture.remove() }
        let first = try shardRunner(fixture, out: "run").run(shard: try ShardSelection(parsing: "1/2"), chunk: 3)
        #expect(first.ran == ["t0000-c0000", "t0001-c0000"])
        #expect(first.merged == nil)
        let runner = try shardRunner(fixture, out: "run")
        do {
            _ = try runner.merge()
            Issue.record("merge with missing units succeeded")
        } catch let error as UnitError {
            #expect(error.message == "cannot merge \(runner.files.directory.path): 2 of 4 units are not done: t0000-c0001 (missing), t0001-c0001 (missing); run `invlab status \(runner.files.directory.path)`")
        }
        #expect(!FileManager.default.fileExists(atPath: runner.files.directory.appendingPathComponent("results.csv").path))
        // A unit left `running` by a process that no longer exists is failed, and the next run of its shard redoes it.
        try runner.files.write(UnitRecord(state: .running, host: ProcessLiveness.hostName, pid: Int32.max - 1, slurmJob: nil, started: "then"),
                               for: "t0000-c0001")
        let (_, states) = try runner.statuses()
        #expect(states.first { $0.unit.id == "t0000-c0001" }?.status == .failed)
        let second = try shardRunner(fixture, out: "run").run(shard: try ShardSelection(parsing: "2/2"), chunk: 3)
        #expect(second.ran == ["t0000-c0001", "t0001-c0001"])
        #expect(second.merged?.outcomes.count == 2)
        // Rerunning a shard of a finished run runs nothing and does not merge the same results again.
        let again = try shardRunner(fixture, out: "run").run(shard: try ShardSelection(parsing: "1/2"), chunk: 3)
        #expect(again.ran.isEmpty && again.skipped.count == 2 && again.merged == nil)
    }

    @Test("a run directory of another spec, shard count or chunk is refused with both values named")
    func mismatchedDirectory() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": shardSpec, "other.yaml": shardSpec.replacingOccurrences(of: "seed: 5", with: "seed: 6")])
        defer { fixture.remove() }
        let runner = try shardRunner(fixture, out: "run")
        _ = try runner.openRun(shards: 2, chunk: 3)
        let hash = runner.loaded.hash
        #expect(throws: UnitError.self) { try runner.openRun(shards: 3, chunk: 3) }
        do { _ = try runner.openRun(shards: 3, chunk: 3) } catch let error as UnitError {
            #expect(error.message == "\(runner.files.directory.path) is split into 2 shards; run its shards as --shard K/2")
        }
        do { _ = try runner.openRun(shards: 2, chunk: nil) } catch let error as UnitError {
            #expect(error.message == "\(runner.files.directory.path) was planned with --chunk 3, not one unit per trial")
        }
        var options = RunOptions(dataDirectory: fixture.directory.appendingPathComponent("data"))
        options.progress = .quiet
        let other = ShardRunner(runner: ExperimentRunner(loaded: try fixture.load("other.yaml"), registries: try Builtins.registries(), options: options),
                                directory: runner.files.directory)
        do {
            _ = try other.openRun(shards: 2, chunk: 3)
            Issue.record("a directory of another spec was accepted")
        } catch let error as UnitError {
            #expect(error.message == "\(runner.files.directory.path) holds the units of another spec (spec hash \(hash), this spec \(other.loaded.hash)); choose another --out")
        }
    }

    @Test("an attack whose identities interact cannot be chunked")
    func queryAttackIsNotChunked() throws {
        let spec = shardSpec.replacingOccurrences(of: "  type: gradient\n", with: "  type: query\n  samples: 4\n")
            .replacingOccurrences(of: "  regularizers: [{type: total_variation, weight: 0.01}]\n", with: "")
        let fixture = try SpecFixture(files: ["spec.yaml": spec])
        defer { fixture.remove() }
        do {
            _ = try shardRunner(fixture, out: "run").plannedUnits(chunk: 2)
            Issue.record("the query attack was chunked")
        } catch let error as UnitError {
            #expect(error.message == "attack 'query' cannot be split into identity chunks (its identities interact); run it with one unit per trial (no --chunk)")
        }
        #expect(try shardRunner(fixture, out: "run").plannedUnits(chunk: nil).count == 2)
    }

    @Test("an attack result survives the archive bit for bit; chunks concatenate with loss curves on the longest chunk's steps")
    func archiveAndConcatenation() throws {
        func part(_ targets: [Int], steps: [Int], curves: [[Float]], fill: Float) -> AttackResult {
            let n = targets.count
            return AttackResult(targets: targets, reconstructions: Tensor(repeating: fill, shape: [n, 1, 2, 2]),
                                attempts: Tensor(repeating: fill, shape: [n, 1, 2, 2]), restarts: 1, selectedAttempt: Array(repeating: 0, count: n),
                                attemptConfidence: Array(repeating: fill / 7, count: n), lossCurves: curves, lossCurveSteps: steps,
                                queries: Array(repeating: 3, count: n), iterations: Array(repeating: steps.last!, count: n), seconds: 0.5,
                                starts: Tensor(repeating: 0.1, shape: [n, 1, 2, 2]),
                                objective: ObjectiveSplit(start: [ObjectiveTerm(name: "identity_loss", values: Array(repeating: 1, count: n))],
                                                          end: [ObjectiveTerm(name: "identity_loss", values: Array(repeating: fill, count: n))]))
        }
        // The first chunk stopped at step 7 (off the every-5 grid); the second ran to 12.
        let early = part([4], steps: [0, 5, 7], curves: [[3, 2, 1.5]], fill: 0.25)
        let late = part([1, 2], steps: [0, 5, 10, 12], curves: [[9, 8, 7, 6], [5, .nan, 4, 3]], fill: 0.5)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("archive-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try AttackResultArchive.write(late, to: url)
        let read = try AttackResultArchive.read(from: url)
        #expect(read.reconstructions == late.reconstructions && read.targets == late.targets && read.objective == late.objective)
        #expect(read.lossCurves[0] == late.lossCurves[0] && read.lossCurves[1][1].isNaN && read.seconds == 0.5)
        let merged = try AttackResult.concatenating([early, read])
        #expect(merged.targets == [4, 1, 2])
        #expect(merged.lossCurveSteps == [0, 5, 10, 12])
        #expect(merged.lossCurves[0] == [3, 2, 1.5, 1.5])
        #expect(merged.reconstructions.shape == [3, 1, 2, 2] && merged.seconds == 1.0)
        #expect(merged.objective?.end[0].values == [0.25, 0.5, 0.5])
    }
}

@Suite("Row-stable matrix products")
struct RowStableProductTests {
    @Test("with BLAS.rowStable a row's product has the same bits in a batch of 1, 5 or 64 rows, for both transposes")
    func rowsDoNotDependOnTheBatch() {
        var random = SeededGenerator(seed: 4)
        for (k, n) in [(384, 128), (256, 30), (12, 7)] {
            let x = Tensor.uniform([64, k], low: -1, high: 1, generator: &random)
            let w = Tensor.uniform([k, n], low: -1, high: 1, generator: &random)
            BLAS.$rowStable.withValue(true) {
                let full = Tensor.matmul(x, w)
                for rows in [0..<1, 3..<8, 10..<11, 0..<64] {
                    let part = Tensor.matmul(x.gathering(rows: Array(rows)), w)
                    #expect(part == full.gathering(rows: Array(rows)), "k \(k), n \(n), rows \(rows)")
                }
                let wT = w.transposed()
                let fullT = Tensor.matmul(x, wT, transposeB: true)
                #expect(Tensor.matmul(x.gathering(rows: [7]), wT, transposeB: true) == fullT.gathering(rows: [7]))
            }
        }
    }
}
