import Foundation
import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor

/// An adaptive attack on the dummy-recognizer defense through its real-face leak (issue 18,
/// item 1): on real-looking inputs f' is about uniform, so `g ~ lambda f + (1 - lambda)/K` ranks
/// the classes as f does. The attacker queries g on public faces, their mirror images and
/// mixtures, estimates lambda (`LambdaProbe`), trains a student network on the rescaled outputs
/// `(g - (1 - lambda)/K) / lambda`, and inverts the student with any configured attack (`attack:`).
/// The published g only answers the probe (and scores the final attempts); it is never
/// differentiated.
///
/// Threat model (Kerckhoffs; Carlini et al. 2019; Tramer et al., NeurIPS 2020): the attacker
/// knows the published method (g = lambda f + (1 - lambda) f', f' pushed toward uniform on real
/// faces) and has query access to g and the public faces; it knows neither lambda, f, f' nor the
/// decoys.
public struct SurrogateAttack: AttackPlugin {
    public struct Configuration: SpecConfig, Equatable, Sendable {
        public var probe: ProbeConfig = {
            var probe = ProbeConfig()
            probe.budget = 2000
            return probe
        }()
        public var student = SurrogateAttack.defaultStudent
        public var attack = PluginNode(id: "gradient")
        public var minLambda = 0.02
        public init() {}

        public static var fields: [SpecField<Self>] { [
            SpecField("probe", \.probe, doc: "The queries to the published model that the student learns from and lambda is estimated from: {budget (default 2000 here), flips, generator_samples, generator, mixtures, noise}."),
            SpecField("student", \.student, doc: """
                The student network: a recognizer plugin (architecture and `train:` settings; validation_fraction must be \
                0), trained by soft cross-entropy on the probes' rescaled outputs.
                """),
            SpecField("attack", \.attack, doc: "The attack run against the student (any attack plugin but `surrogate`), with its own keys."),
            SpecField("min_lambda", \.minLambda, doc: "The smallest lambda the rescaling uses: a lower estimate (g then carries almost nothing of f) is replaced by this, with a warning in the log.",
                      bounds: SpecBounds(lower: (0, false), upper: (1, false))),
        ] }
    }

    /// The student when the spec names none: a small CNN.
    public static var defaultStudent: PluginNode {
        PluginNode(id: "cnn", options: .mapping([
            "channels": .sequence([.value(.int(16)), .value(.int(32))]),
            "hidden": .sequence([.value(.int(128))]),
        ]))
    }

    public static let id = "surrogate"
    public static let summary = "Adaptive attack on the dummy recognizer: learn f from g's outputs on real-looking queries (rescaled by an estimated lambda), invert the student."
    public static let documentation = """
        An adaptive attacker against the dummy-recognizer defense (issue 18, item 1). Threat model (Kerckhoffs' \
        principle; Carlini et al. 2019, "On Evaluating Adversarial Robustness"; Tramer et al., NeurIPS 2020, "On \
        Adaptive Attacks to Adversarial Example Defenses"): the attacker knows the published method, \
        g = lambda f + (1 - lambda) f' with f' trained on synthetic people and pushed toward a uniform output on \
        real faces, has query access to g and the public faces, and does not know lambda, f, f' or the decoys.

        Because f' is about uniform on real faces, g(x) ~ lambda f(x) + (1 - lambda)/K there: the defense leaks f \
        on every real-looking input. The attack queries g on `probe.budget` inputs (the public faces, their mirror \
        images and mixtures of two public faces, with a little noise), estimates lambda as in `lambda_aware` (median \
        over probes of 1 - K median_k g_k), rescales the outputs to (g - (1 - lambda)/K) / lambda (negative parts \
        cut, rows renormalised), trains the `student` recognizer on them by soft cross-entropy (cached by the \
        probes' fingerprint), and runs the `attack:` plugin against the student as the published model. The \
        decoys live in f' only, so the student, trained where f' is flat, has none to pull the search to.

        Results: the nested attack's images and selection; `attempt confidence` is the published g's target \
        probability of every attempt (one query each); `queries` are the queries to g (probe split evenly over \
        the identities, plus the scoring queries), not the nested attack's evaluations of the student; loss curves \
        and the objective split are the nested attack's, on the student. The probes include the public faces \
        themselves, on which the published method (real_negatives: public) trains f' to be uniform: the leak is \
        widest exactly there. The \
        `adaptive_attack` metric reports the lambda estimate and its error against the true lambda (read for the \
        report only), the queries, and the student's agreement with f on the private test faces. Needs a public set.
        """
    public static let example = """
        type: surrogate
        probe: {budget: 2000}
        student: {type: cnn, channels: [16, 32], hidden: [128], train: {epochs: 30}}
        attack:
          type: gradient
          identity_loss: cross_entropy
          optimizer: {type: adam, lr: 0.05}
          regularizers: [{type: total_variation, weight: 0.01}]
          iterations: 300
          restarts: 2
        """

    public let configuration: Configuration
    let distiller: StudentDistiller
    let nested: any AttackPlugin
    let probe: ProbeSource

    public init(configuration: Configuration, context: BuildContext) throws {
        self.configuration = configuration
        func located(_ node: PluginNode, _ key: String) -> PluginNode {
            node.path.isRoot ? PluginNode(id: node.id, options: node.options, path: context.path.appending(key),
                                          idLocation: context.location, location: context.location) : node
        }
        let studentNode = located(configuration.student, "student")
        let attackNode = located(configuration.attack, "attack")
        var collector = DiagnosticCollector(context)
        let registries = context.registries
        let distiller = StudentDistiller.build(studentNode, name: "surrogate student", context: context, collector: &collector)
        var nested: (any AttackPlugin)?
        if attackNode.id == Self.id {
            collector.append(.error("a surrogate attack cannot invert its student with another surrogate attack",
                                    at: attackNode.idLocation, path: attackNode.idPath,
                                    notes: ["name the attack run against the student, e.g. {type: gradient}"]))
        } else {
            nested = collector.attempt { try registries.attacks.build(attackNode, context: context) }
        }
        let probe = collector.attempt { try ProbeSource(configuration.probe, attack: Self.id, context: context) }
        guard collector.diagnostics.isEmpty, let distiller, let nested, let probe else { throw SpecError(collector.diagnostics) }
        self.probe = probe
        self.distiller = distiller
        self.nested = nested
    }

    public func batchSize(targets: Int) -> Int { max(nested.batchSize(targets: targets), configuration.probe.budget > 0 ? 256 : 0) }

    public func prepareShared(against model: any PublishedModel, resources: AttackResources) throws {
        try nested.prepareShared(against: model, resources: resources)
    }

    /// What the attack learns from g before attacking: the estimate and the trained student.
    public func learn(from model: any PublishedModel, resources: AttackResources) throws -> (estimate: LambdaEstimate, student: Network) {
        let (inputs, outputs, estimate) = try probe.run(model, resources: resources)
        resources.environment.progress.log("surrogate: \(estimate.summary)")
        var lambda = estimate.lambda
        if lambda < configuration.minLambda {
            resources.environment.progress.log(String(format: "surrogate: warning: the lambda estimate %.3f is below min_lambda %.3f: the published outputs carry (almost) nothing of f; rescaling with min_lambda",
                                                      estimate.lambda, configuration.minLambda))
            lambda = configuration.minLambda
        }
        let targets = LambdaProbe.rescaled(outputs, lambda: lambda)
        let student = try distiller.train(inputs: inputs, targets: targets, classes: model.classes, resources: resources)
        return (estimate, student)
    }

    public func run(against model: any PublishedModel, resources: AttackResources) throws -> AttackResult {
        guard !resources.targets.isEmpty else { return AttackResultAssembly.empty(model: model, restarts: 1) }
        let (estimate, student) = try learn(from: model, resources: resources)
        var result = try nested.run(against: NetworkModel(student), resources: resources)
        // The published g scores the attempts (the nested attack only saw the student).
        let probabilities = result.attempts.mappingRowChunks(SearchProblem.queryChunk) { model.query($0) }
        let classes = probabilities.shape[1]
        let targets = result.attemptTargets
        result.attemptConfidence = targets.indices.map { probabilities.scalars[$0 * classes + targets[$0]] }
        let scoring = Array(repeating: result.restarts, count: result.targets.count)
        result.queries = LambdaAwareAttack.addingShared(estimate.queries, to: scoring)
        AdaptiveAttackReports.shared.record(AdaptiveAttackReport(estimate: estimate, student: student), for: result)
        return result
    }

    /// A short fingerprint of a tensor's shape and values.
    static func fingerprint(_ tensor: Tensor) -> String {
        var hash: UInt64 = 0xcbf29ce484222325
        for d in tensor.shape { hash = (hash ^ UInt64(d)) &* 0x100000001b3 }
        tensor.withUnsafeBufferPointer { p in
            for value in p { hash = (hash ^ UInt64(value.bitPattern)) &* 0x100000001b3 }
        }
        return String(hash, radix: 16)
    }
}
