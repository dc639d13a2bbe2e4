import Foundation
import InvLabCore
import InvLabSpec
import InvLabTensor
import Testing

/// Fake runs written through the Core's own `RunDirectory` and `TrialArtifacts`.
enum ReportTestKit {
    /// A fresh empty directory under the temporary directory.
    static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("invlab-report-tests-\(label)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let columns = ResultColumns(
        sweepKeys: ["defense.lambda"],
        metricColumns: ["attack_top1", "attack_top1_std", "knn_distance", "knn_distance_std", "accuracy"],
        identityColumns: ["attack_top1", "knn_distance"],
        descriptions: ["attack_top1": "Share of identities the evaluator assigns to the target.", "accuracy": "Published model's accuracy."],
        presentation: ["attack_top1": ColumnPresentation(plot: .panels([.figure5, .attackSuccess]), summary: true, headlineRank: 0),
                       "attack_top1_std": .tableOnly, "knn_distance_std": .tableOnly,
                       "knn_distance": ColumnPresentation(summary: true, headlineRank: 3),
                       "accuracy": ColumnPresentation(plot: .panels([.figure5, .recognition]), summary: true, headlineRank: 1)])

    /// A lambda sweep: accuracy rises and attack success falls with lambda.
    static func lambdaOutcomes(_ lambdas: [Double] = [0, 0.25, 0.5], evaluatorIsTarget: Bool = false) -> [TrialOutcome] {
        lambdas.enumerated().map { index, lambda in
            let success = 0.8 - lambda
            return TrialOutcome(
                index: index, sweep: [SweepCell(key: "defense.lambda", text: formatNumber(lambda), number: lambda)], status: .completed,
                error: nil,
                values: ["attack_top1": success, "attack_top1_std": 0.1, "knn_distance": 10 + 4 * lambda, "knn_distance_std": 1.5,
                         "accuracy": 0.6 + 0.5 * lambda],
                identities: [IdentityRow(classIndex: 0, name: "s1", values: ["attack_top1": 1, "knn_distance": 9]),
                             IdentityRow(classIndex: 1, name: "s2", values: ["attack_top1": 0, "knn_distance": 11])],
                timings: ["attack": 1.25, "metrics": 0.25], evaluatorIsTarget: evaluatorIsTarget)
        }
    }

    /// A run directory as the runner leaves it: run.json, results.* and per-trial artifacts.
    @discardableResult
    static func writeRun(at url: URL, outcomes: [TrialOutcome], columns: ResultColumns = columns, status: String = "completed",
                         synthetic: Bool? = true, images: Bool = true, description: String = "Figure 5 of the article, small.",
                         extraInfo: [(key: String, value: JSONValue)] = [],
                         resolvedSpec: JSONValue? = nil) throws -> RunDirectory {
        let directory = try RunDirectory(url: url, columns: columns, specHash: "abc123", resume: false, force: false)
        var info: [(key: String, value: JSONValue)] = [
            ("name", "tiny-lambda"), ("spec_file", "specs/tiny.yaml"), ("spec_hash", "abc123"), ("seed", 7), ("trials", 3),
            ("status", .string(status)), ("started", "2026-01-02T03:04:05Z"), ("finished", "2026-01-02T03:05:00Z"),
            ("environment", .object([("invlab_version", "0.1.0"), ("git_commit", "0123456789abcdef0123456789abcdef01234567"),
                                     ("git_dirty", false), ("swift", "Swift 6.3 or later"), ("blas", "openblas"), ("blas_kernel", "Haswell")])),
            ("resolved_spec", resolvedSpec ?? .object([("name", "tiny-lambda"), ("description", .string(description))])),
            ("columns", ColumnRecords.json(columns)),
            ("stage_seconds", .object([("attack", 3.75), ("metrics", 0.75)])),
        ]
        if let synthetic {
            info.append(("data_split", .object([("source", "synthetic_faces (8 identities)"),
                                                ("synthetic", .string(synthetic ? "yes (procedurally drawn, not real people)" : "no")),
                                                ("train_images", "16"), ("test_images", "8")])))
        } else {
            info.append(("data_split", .null))
        }
        try directory.writeRunInfo(info + extraInfo)
        for outcome in outcomes {
            try directory.record(outcome)
            if images && outcome.status == .completed { try writeArtifacts(outcome.index, directory: directory) }
        }
        return directory
    }

    /// Per-trial files through `TrialArtifacts`: 2 identities of 1 x 4 x 4 images.
    static func writeArtifacts(_ trial: Int, directory: RunDirectory) throws {
        var generator = SeededGenerator(seed: UInt64(trial))
        let train = Tensor.uniform([4, 1, 4, 4], generator: &generator)
        let data = ExperimentData(imageShape: [1, 4, 4], classNames: ["s1", "s2"], privateTrain: LabeledSet(images: train, labels: [0, 0, 1, 1]),
                                  privateTest: LabeledSet(images: train, labels: [0, 0, 1, 1]),
                                  publicSet: LabeledSet(images: Tensor(zeros: [0, 1, 4, 4]), labels: []), publicClassNames: [],
                                  source: "synthetic", isSynthetic: true, splitDescription: [:])
        let reconstructions = Tensor.uniform([2, 1, 4, 4], generator: &generator)
        let result = AttackResult(targets: [0, 1], reconstructions: reconstructions, attempts: reconstructions, restarts: 1,
                                  selectedAttempt: [0, 0], attemptConfidence: [0.9, 0.8], lossCurves: [[2, 1, 0.5], [3, 1.5, 1]],
                                  lossCurveSteps: [0, 5, 10], queries: [10, 10], iterations: [10, 10], seconds: 0.5)
        try TrialArtifacts.write(result, data: data, trial: trial, directory: directory)
    }

    static func read(_ url: URL, _ name: String) throws -> String {
        try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)
    }

    /// Number of non-overlapping occurrences of `needle`.
    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }
}
