import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabDummyRecognizer
import InvLabNN
import InvLabSpec
import InvLabTensor
import Testing

/// Builds metric plugins the way a spec does and hand-made trial inputs with planted values.
enum MetricTestKit {
    /// The metric written as `yaml` (a mapping with `type:`), at `metrics[0]`.
    static func build(_ yaml: String, seed: UInt64 = 7) throws -> any MetricPlugin {
        try build(yaml, context: BuildContext(specDirectory: URL(fileURLWithPath: "/tmp"), seed: seed, registries: try Builtins.registries()))
    }

    /// The metric written as `yaml`, built in `context` (e.g. with the panel's judge names).
    static func build(_ yaml: String, context: BuildContext) throws -> any MetricPlugin {
        let node = try YAMLLoader().parse(yaml, file: "metric.yaml", cache: SourceCache())
        let reference = try decode(PluginNode.self, from: node, at: SpecPath.root.appending("metrics"))
        return try context.registries.metrics.build(reference, context: context)
    }

    /// The message of building `yaml`, or nil when it builds.
    static func buildError(_ yaml: String) -> String? {
        do {
            _ = try build(yaml)
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// `[Flatten, Linear(d, classes)]` on `1 x 1 x d` inputs with the given weight rows
    /// (`classes x d`, row-major) and zero bias: its features (penultimate layer) are the pixels
    /// themselves, its logits `W x`.
    static func linearNetwork(d: Int, classes: Int, weights: [Float]) -> Network {
        var network = Network(Sequential([Flatten(), Linear(d, classes)]), inputShape: [1, 1, d], seed: 0, name: "planted")
        network.state.parameters["1.weight"] = Tensor(shape: [classes, d], scalars: weights)
        network.state.parameters["1.bias"] = Tensor(zeros: [classes])
        return network
    }

    /// A network whose logits are its input pixels (`d = classes`, identity weights).
    static func identityNetwork(classes: Int) -> Network {
        var weights = [Float](repeating: 0, count: classes * classes)
        for k in 0..<classes { weights[k * classes + k] = 1 }
        return linearNetwork(d: classes, classes: classes, weights: weights)
    }

    /// `rows` vectors of length d as a `rows x 1 x 1 x d` batch.
    static func batch(_ rows: [[Float]]) -> Tensor {
        Tensor(shape: [rows.count, 1, 1, rows.first?.count ?? 0], scalars: rows.flatMap { $0 })
    }

    static func set(_ rows: [[Float]], labels: [Int]) -> LabeledSet {
        LabeledSet(images: batch(rows), labels: labels)
    }

    static func data(train: LabeledSet, test: LabeledSet, classes: Int) -> ExperimentData {
        ExperimentData(imageShape: Array(train.images.shape.dropFirst()), classNames: (0..<classes).map { "person\($0)" },
                       privateTrain: train, privateTest: test,
                       publicSet: LabeledSet(images: Tensor(zeros: [0] + Array(train.images.shape.dropFirst())), labels: []),
                       publicClassNames: [], source: "planted", isSynthetic: true, splitDescription: [:])
    }

    /// An attack result with one attempt per identity unless `attempts`/`restarts` say otherwise.
    static func attack(targets: [Int], reconstructions: Tensor, attempts: Tensor? = nil, restarts: Int = 1,
                       selected: [Int]? = nil, confidence: [Float]? = nil, queries: [Int]? = nil,
                       iterations: [Int]? = nil, seconds: Double = 1.5, starts: Tensor? = nil) -> AttackResult {
        AttackResult(targets: targets, reconstructions: reconstructions, attempts: attempts ?? reconstructions, restarts: restarts,
                     selectedAttempt: selected ?? Array(repeating: 0, count: targets.count),
                     attemptConfidence: confidence ?? Array(repeating: 0.5, count: targets.count * restarts),
                     lossCurves: targets.map { _ in [1, 0.5] }, lossCurveSteps: [0, 10],
                     queries: queries ?? Array(repeating: 100, count: targets.count),
                     iterations: iterations ?? Array(repeating: 10, count: targets.count), seconds: seconds, starts: starts)
    }

    static func input(_ attack: AttackResult, evaluator: Network, data: ExperimentData,
                      published: (any PublishedModel)? = nil, undefended: (any PublishedModel)? = nil) -> MetricInput {
        MetricInput(attack: attack, evaluator: evaluator, evaluatorIsTarget: false, data: data,
                    published: published ?? NetworkModel(evaluator), undefended: undefended ?? NetworkModel(evaluator))
    }

    /// The per-identity values of a column, or nil when it is missing or a trial value.
    static func perIdentity(_ values: [String: MetricValue], _ column: String) -> [Double]? {
        if case .perIdentity(let list)? = values[column] { return list }
        return nil
    }

    /// The trial value of a column, or nil when it is missing or per identity.
    static func trial(_ values: [String: MetricValue], _ column: String) -> Double? {
        if case .trial(let value)? = values[column] { return value }
        return nil
    }
}

/// A published model that wraps a network and plants decoy identities, like the dummy defense.
struct DecoyPlantingModel: PublishedModel {
    var inner: NetworkModel
    var planted: DecoyImages
    var classes: Int { inner.classes }
    var inputShape: [Int] { inner.inputShape }
    func output(_ x: Var) -> ModelOutput { inner.output(x) }
    func query(_ x: Tensor) -> Tensor { inner.query(x) }
    var summary: String { "decoy planting test model" }
    func attachment<T>(_ type: T.Type) -> T? { type == DecoyImages.self ? planted as? T : nil }
}

/// A published model that answers a fixed class for every image (accuracy tests).
struct ConstantAnswerModel: PublishedModel {
    var answer: Int
    var classes: Int
    var inputShape: [Int]
    func output(_ x: Var) -> ModelOutput {
        let probabilities = Var(constant: Tensor.oneHot(Array(repeating: answer, count: x.shape[0]), classes: classes))
        return ModelOutput(probabilities: probabilities, logits: nil)
    }
    func query(_ x: Tensor) -> Tensor { Tensor.oneHot(Array(repeating: answer, count: x.shape[0]), classes: classes) }
    var summary: String { "always \(answer)" }
}

