import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabIO
import InvLabTensor
import Testing

@Suite("TensorBoard record format")
struct TFRecordFormatTests {
    @Test("CRC-32C known vectors (RFC 3720 B.4 and the check value)")
    func crc32cVectors() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
    }

    @Test("masked CRC and framing: length, masked CRC of the length, data, masked CRC of the data")
    func framing() {
        let crc = CRC32C.checksum(Array("123456789".utf8))
        #expect(CRC32C.masked(Array("123456789".utf8)) == ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8)
        let record = TFRecord.frame([1, 2, 3])
        #expect(record.count == 8 + 4 + 3 + 4)
        #expect(Array(record[0..<8]) == [3, 0, 0, 0, 0, 0, 0, 0])
        let lengthCRC = CRC32C.masked(record[0..<8])
        #expect(Array(record[8..<12]) == [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: lengthCRC >> $0) })
        #expect(Array(record[12..<15]) == [1, 2, 3])
        let dataCRC = CRC32C.masked([1, 2, 3] as [UInt8])
        #expect(Array(record[15..<19]) == [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: dataCRC >> $0) })
    }

    @Test("protobuf fields: varints (protobuf's documented examples), fixed 32/64-bit, length-delimited")
    func protobuf() {
        var writer = ProtobufWriter()
        writer.int(1, 150)
        #expect(writer.bytes == [0x08, 0x96, 0x01])
        writer = ProtobufWriter()
        writer.string(2, "testing")
        #expect(writer.bytes == [0x12, 0x07] + Array("testing".utf8))
        writer = ProtobufWriter()
        writer.int(2, -1)
        #expect(writer.bytes == [0x10] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
        writer = ProtobufWriter()
        writer.float(2, 1)
        #expect(writer.bytes == [0x15, 0x00, 0x00, 0x80, 0x3F])
        writer = ProtobufWriter()
        writer.double(1, 1)
        #expect(writer.bytes == [0x09, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
        writer = ProtobufWriter()
        writer.lengthDelimited(5, [UInt8](repeating: 7, count: 300))
        #expect(Array(writer.bytes.prefix(3)) == [0x2A, 0xAC, 0x02])
        // Event{wall_time: 2.0, file_version: "brain.Event:2"}.
        #expect(TensorBoardEvent.fileVersion(wallTime: 2) == [0x09, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x1A, 13] + Array("brain.Event:2".utf8))
    }
}

/// `python3` can read TensorBoard event files with the `tensorboard` package.
let tensorBoardReadable = pythonCanImport("tensorboard.backend.event_processing.event_accumulator")

/// One TensorBoard run as the reader script prints it: scalar tag -> [[step, value]], image tag ->
/// [[step, width, height, PNG byte count]].
struct TensorBoardRun: Decodable {
    var scalars: [String: [[Double]]]
    var images: [String: [[Int]]]
}

@Suite("invlab run --tensorboard", .enabled(if: tensorBoardReadable,
                                             "python3 -m pip install tensorboard (make python-test-deps does) to run this check"))
struct TensorBoardRunTests {
    /// Every TensorBoard run under `root` as TensorBoard reads it: run name -> scalar tag ->
    /// [(step, value)], and run name -> image tag -> [(step, width, height, PNG byte count)].
    func readBack(_ root: URL) throws -> [String: TensorBoardRun] {
        let script = """
        import json, os, sys
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
        out = {}
        root = sys.argv[1]
        for name in sorted(os.listdir(root)):
            acc = EventAccumulator(os.path.join(root, name), size_guidance={'scalars': 0, 'images': 0})
            acc.Reload()
            tags = acc.Tags()
            out[name] = {
                'scalars': {t: [[e.step, e.value] for e in acc.Scalars(t)] for t in tags['scalars']},
                'images': {t: [[e.step, e.width, e.height, len(e.encoded_image_string)] for e in acc.Images(t)] for t in tags['images']},
            }
        print(json.dumps(out))
        """
        let result = try runProcess("/usr/bin/env", ["python3", "-c", script, root.path])
        #expect(result.status == 0, "\(result.errors)")
        return try JSONDecoder().decode([String: TensorBoardRun].self, from: Data(result.output.utf8))
    }

    @Test("a two-trial sweep: objective per step and the grid per trial run, metrics by trial index, read back by tensorboard")
    func runReadBack() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": tinySpec + "sweep:\n  attack.iterations: [4, 6]\n"])
        defer { fixture.remove() }
        var options = RunOptions(dataDirectory: fixture.directory.appendingPathComponent("data"))
        options.outDirectory = fixture.directory.appendingPathComponent("run")
        options.cacheDirectory = fixture.directory.appendingPathComponent("cache")
        options.progress = .quiet
        let runner = ExperimentRunner(loaded: try fixture.load(), registries: try Builtins.registries(), options: options)
        let logs = fixture.directory.appendingPathComponent("tb")
        let sink = TensorBoardSink(logDirectory: logs)
        runner.sinks.append(sink)
        let summary = try runner.run()
        #expect(summary.outcomes.allSatisfy { $0.status == .completed })
        #expect(sink.runRoot?.path == logs.appendingPathComponent("run").path)

        let runs = try readBack(logs.appendingPathComponent("run"))
        #expect(runs.keys.sorted() == ["trial_0000", "trial_0001", "trials"])
        for (trial, iterations) in [(0, 4), (1, 6)] {
            let run = try #require(runs[String(format: "trial_%04d", trial)])
            let scalars = run.scalars
            #expect(Set(scalars.keys).isSuperset(of: ["objective/mean", "objective/min", "objective/max",
                                                      "objective_terms/identity_loss", "objective_terms/total_variation"]), "\(scalars.keys)")
            let mean = try #require(scalars["objective/mean"])
            #expect(mean.count >= 2)
            #expect(mean.last?[0] == Double(iterations), "the last step is the last iteration: \(mean)")
            let (minimum, maximum) = (try #require(scalars["objective/min"]), try #require(scalars["objective/max"]))
            for (index, point) in mean.enumerated() {
                #expect(minimum[index][1] <= point[1] + 1e-6 && point[1] <= maximum[index][1] + 1e-6)
            }
            // The mean objective equals the mean of the loss curves written to loss_curves.csv.
            let curves = try text(summary.directory, "trials/\(String(format: "%04d", trial))/loss_curves.csv")
                .split(separator: "\n").dropFirst().map { $0.split(separator: ",").dropFirst(2).map { Double($0)! } }
            let expected = curves.map { $0[0] }.reduce(0, +) / Double(curves.count)
            #expect(abs(mean[0][1] - expected) < 1e-3 * max(1, abs(expected)), "\(mean[0][1]) vs \(expected)")
            let images = run.images
            let grid = try #require(images["grid"]?.first)
            let png = try PNGCodec.decode(Data(contentsOf: summary.directory.appendingPathComponent("trials/\(String(format: "%04d", trial))/grid.png")),
                                          path: "grid.png")
            #expect(grid[0] == trial && grid[1] == png.width && grid[2] == png.height && grid[3] > 100)
        }
        let scalars = try #require(runs["trials"]).scalars
        for (trial, outcome) in summary.outcomes.enumerated() {
            let top1 = try #require(scalars["metrics/attack_top1"])
            #expect(top1[trial][0] == Double(trial))
            #expect(abs(top1[trial][1] - outcome.values["attack_top1"]!) < 1e-6)
            #expect(scalars["sweep/attack.iterations"]?[trial] == [Double(trial), Double([4, 6][trial])])
            #expect(scalars["status/completed"]?[trial] == [Double(trial), 1])
        }
        #expect(scalars.keys.contains("details/attack_top1_std"), "\(scalars.keys.sorted())")
    }

    @Test("the CLI option writes the event files and names them; with --shard it is refused", .enabled(if: invlabBinary != nil, "set INVLAB_BINARY to a release invlab (make test does)"))
    func commandLine() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": tinySpec])
        defer { fixture.remove() }
        let logs = fixture.directory.appendingPathComponent("tb")
        let environment = ["INVLAB_CACHE_DIR": fixture.directory.appendingPathComponent("cache").path]
        let result = try runProcess(invlabBinary!, ["run", fixture.path("spec.yaml"), "--out", fixture.path("mine"), "--quiet", "--tensorboard", logs.path],
                                    environment: environment)
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("tensorboard: \(logs.appendingPathComponent("mine").path) (view with: tensorboard --logdir"), "\(result.output)")
        let runs = try readBack(logs.appendingPathComponent("mine"))
        #expect(runs.keys.sorted() == ["trial_0000", "trials"])
        let refused = try runProcess(invlabBinary!, ["run", fixture.path("spec.yaml"), "--out", fixture.path("sharded"), "--shard", "1/1",
                                                     "--tensorboard", logs.path], environment: environment)
        #expect(refused.status == 64 && refused.errors.contains("--tensorboard is not supported with --shard"), "\(refused.errors)")
    }
}

@Suite("Grids mark the verdict on each reconstruction")
struct GridVerdictTests {
    /// The RGB value at (x, y) of an image.
    func colour(_ image: Image, _ x: Int, _ y: Int) -> [Float] { (0..<3).map { image.value(channel: $0, x: x, y: y)! } }

    func close(_ a: [Float], _ b: [Float]) -> Bool { zip(a, b).allSatisfy { abs($0 - $1) < 0.01 } }

    @Test("hit: thick green frame; split: medium amber; miss: thin red; unknown: none; grey faces become RGB")
    func frames() throws {
        let real = (0..<4).map { _ in Tensor(repeating: 0.5, shape: [1, 1, 5, 6]) }
        let grid = try Image(tensor: ImageGrid.pairs(real: real, reconstructions: Tensor(repeating: 0.2, shape: [4, 1, 5, 6]),
                                                     verdicts: [1, 0, 0.5, nil]))
        #expect(grid.channels == 3)
        // Reconstruction k is tile 2k+1: left = 4 + (2k+1) * (6 + 4), top = 4.
        func left(_ k: Int) -> Int { 4 + (2 * k + 1) * 10 }
        let white: [Float] = [1, 1, 1]
        // Hit: the three pixels left of the tile are green, the fourth is the white gap.
        for d in 1...3 { #expect(close(colour(grid, left(0) - d, 6), ImageGrid.hitColour)) }
        #expect(close(colour(grid, left(0) - 4, 6), white))
        // Miss: one red pixel, then white.
        #expect(close(colour(grid, left(1) - 1, 6), ImageGrid.missColour))
        #expect(close(colour(grid, left(1) - 2, 6), white))
        // Split: two amber pixels.
        for d in 1...2 { #expect(close(colour(grid, left(2) - d, 6), ImageGrid.splitColour)) }
        #expect(close(colour(grid, left(2) - 3, 6), white))
        // Unknown: no frame; the image itself is untouched.
        #expect(close(colour(grid, left(3) - 1, 6), white))
        #expect(close(colour(grid, left(0), 4), [0.2, 0.2, 0.2]))
        // Real faces are never framed.
        #expect(close(colour(grid, 3, 6), white))
        // Without verdicts the grid is as before: grey, 2 px gaps.
        let plain = ImageGrid.pairs(real: real, reconstructions: Tensor(repeating: 0.2, shape: [4, 1, 5, 6]))
        #expect(plain.shape == [1, 5 + 4, 8 * 6 + 9 * 2])
    }

    @Test("a tiny run's grid frames each reconstruction by its attack_top1: green where counted right, not where counted wrong")
    func tinyRunGrid() throws {
        // A better-trained target and a longer attack: one reconstruction counted right, one wrong
        // and two on which the judges split evenly (seed 3).
        let spec = tiny(replacing: "iterations: 6", with: "iterations: 40")
            .replacingOccurrences(of: "softmax_regression, train: {epochs: 3", with: "softmax_regression, train: {epochs: 20")
        let fixture = try SpecFixture(files: ["spec.yaml": spec])
        defer { fixture.remove() }
        let summary = try runSpec(fixture, out: "run")
        let outcome = try #require(summary.outcomes.first)
        #expect(outcome.status == .completed, "\(outcome.error ?? "")")
        let grid = try PNGCodec.decode(Data(contentsOf: summary.directory.appendingPathComponent("trials/0000/grid.png")), path: "grid.png")
        #expect(grid.channels == 3)
        let (h, w) = (16, 12)
        let verdicts = outcome.identities.map { $0.values["attack_top1"] }
        #expect(verdicts.contains(1) && verdicts.contains(0), "the spec should give hits and misses: \(verdicts)")
        for (k, verdict) in verdicts.enumerated() {
            let tile = 2 * k + 1
            let (top, left) = (4 + (tile / 8) * (h + 4), 4 + (tile % 8) * (w + 4))
            let (edge, outer) = (colour(grid, left - 1, top + h / 2), colour(grid, left - 3, top + h / 2))
            switch verdict {
            case 1?:
                #expect(close(edge, ImageGrid.hitColour) && close(outer, ImageGrid.hitColour), "identity \(k): \(edge) \(outer)")
            case 0?:
                #expect(close(edge, ImageGrid.missColour) && !close(outer, ImageGrid.hitColour), "identity \(k): \(edge) \(outer)")
            case 0.5?:
                #expect(close(edge, ImageGrid.splitColour) && !close(outer, ImageGrid.hitColour), "identity \(k): \(edge) \(outer)")
            default:
                #expect(!close(outer, ImageGrid.hitColour))
            }
        }
    }
}
