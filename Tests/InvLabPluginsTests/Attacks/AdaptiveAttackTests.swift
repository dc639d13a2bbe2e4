import Foundation
@testable import InvLabAttacks
import InvLabBuiltins
import InvLabCore
import InvLabDefenses
import InvLabDummyRecognizer
import InvLabMetrics
import InvLabNN
import InvLabSpec
import InvLabTensor
import InvLabTestSupport
import Testing

/// A small dummy-recognizer composite with known parts: f a confident softmax regression on 8x8
/// images (10 classes), f' a near-uniform one, and random uniform images as faces.
enum AdaptiveFixture {
    static let classes = 10
    static let shape = [1, 8, 8]

    static func network(seed: UInt64, scale: Float, name: String) -> Network {
        var network = Network(ClassifierArchitectures.softmaxRegression(inputShape: shape, classes: classes), inputShape: shape,
                              seed: seed, name: name)
        network.state.setParameters(network.state.parameterList.map { $0 * scale })
        return network
    }

    static let f = network(seed: 1, scale: 40, name: "f")
    static let fPrime = network(seed: 2, scale: 0.3, name: "f'")

    static func model(lambda: Float) -> DummyRecognizerModel {
        DummyRecognizerModel(protected: NetworkModel(f), dummy: fPrime, lambda: lambda, syntheticIdentities: DecoyImages(images: []))
    }

    static func images(_ count: Int, seed: UInt64) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return Tensor.uniform([count] + shape, generator: &generator)
    }

    /// 300 public faces, 100 private test faces (labelled by f), 20 private training faces.
    static let data: ExperimentData = {
        let test = images(100, seed: 31), train = images(20, seed: 32), publicImages = images(300, seed: 33)
        let labels = { (x: Tensor) in NetworkModel(f).predictions(x) }
        return ExperimentData(imageShape: shape, classNames: (0..<classes).map { "p\($0)" },
                              privateTrain: LabeledSet(images: train, labels: labels(train)),
                              privateTest: LabeledSet(images: test, labels: labels(test)),
                              publicSet: LabeledSet(images: publicImages, labels: Array(repeating: 0, count: 300)),
                              publicClassNames: ["q"], source: "adaptive fixture", isSynthetic: true,
                              splitDescription: ["source": "adaptive fixture"])
    }()

    static func resources(targets: [Int] = [0, 1], seed: UInt64 = 3) throws -> AttackResources {
        AttackResources(data: data, targets: targets, environment: .ephemeral(), seed: seed, registries: try Builtins.registries())
    }

    static func attack(_ yaml: String) throws -> any AttackPlugin {
        try AttackTestKit.build(yaml, registries: try Builtins.registries())
    }
}

@Suite("Adaptive attacks on the dummy recognizer: lambda_aware, surrogate, adaptive_attack")
struct AdaptiveAttackTests {
    /// Tolerance of the lambda estimate on the fixture (f confident, f' within a few per cent of uniform).
    static let lambdaTolerance = 0.05
    /// Least share of private test faces on which the student must agree with f (measured 0.91; g's
    /// own argmax agrees with f's on 0.97 of them, f' being only nearly uniform).
    static let agreementThreshold = 0.85

    @Test("the probe's lambda estimate recovers a known lambda within 0.05", arguments: [0.1, 0.25, 0.3, 0.5, 0.8] as [Float])
    func lambdaEstimate(lambda: Float) throws {
        let (_, _, estimate) = LambdaProbe.run(AdaptiveFixture.model(lambda: lambda), publicImages: AdaptiveFixture.data.publicSet.images,
                                               config: ProbeConfig(), seed: 5)
        print("lambda \(lambda): estimate \(estimate.lambda) (error \(abs(estimate.lambda - Double(lambda)))), bound \(estimate.ceilingBound), queries \(estimate.queries)")
        #expect(estimate.queries == 1000)
        #expect(abs(estimate.lambda - Double(lambda)) <= Self.lambdaTolerance, "estimate \(estimate.lambda) for lambda \(lambda)")
        #expect(estimate.ceilingBound <= Double(lambda) + Self.lambdaTolerance)
    }

    @Test("probe inputs: public faces first, then mirror images, then mixtures, within the budget; deterministic")
    func probeInputs() {
        let publicImages = AdaptiveFixture.images(4, seed: 9)
        var config = ProbeConfig()
        config.budget = 11
        config.noise = 0
        let inputs = LambdaProbe.inputs(publicImages: publicImages, config: config, seed: 1)
        #expect(inputs.shape == [11, 1, 8, 8])
        #expect(inputs.scalars == LambdaProbe.inputs(publicImages: publicImages, config: config, seed: 1).scalars)
        let first = inputs.gathering(rows: [0, 1, 2, 3]).scalars.sorted()
        #expect(first == publicImages.scalars.sorted(), "the first probes are the public faces")
        let mirrored = inputs.gathering(rows: [4, 5, 6, 7]).scalars.sorted()
        #expect(mirrored == publicImages.scalars.sorted(), "then their mirror images (the same pixels)")
        config.budget = 2
        #expect(LambdaProbe.inputs(publicImages: publicImages, config: config, seed: 1).shape == [2, 1, 8, 8])
    }

    @Test("probe inputs with generator samples: faces, mirror images, then the samples, then mixtures")
    func probeInputsWithGeneratorSamples() {
        let publicImages = AdaptiveFixture.images(3, seed: 9)
        let samples = Tensor(shape: [5, 1, 8, 8], scalars: (0..<(5 * 64)).map { Float($0 / 64) + 7 })  // row r is all 7 + r
        var config = ProbeConfig()
        config.budget = 10
        config.noise = 0
        config.generatorSamples = 2
        let inputs = LambdaProbe.inputs(publicImages: publicImages, config: config, seed: 1, samples: samples)
        #expect(inputs.shape == [10, 1, 8, 8])
        #expect(inputs.gathering(rows: [6, 7]).scalars == samples.gathering(rows: [0, 1]).scalars, "rows 6-7: the first two samples")
        #expect(inputs.gathering(rows: [8, 9]).scalars.allSatisfy { $0 <= 1 }, "then mixtures of faces in [0, 1], not samples")
        config.generatorSamples = 0
        #expect(!LambdaProbe.inputs(publicImages: publicImages, config: config, seed: 1, samples: samples).scalars.contains(7),
                "generator_samples 0 queries no sample")
    }

    @Test("probe.generator_samples: the attack fits its generator on the public faces and spends part of the budget on its samples")
    func probeWithGenerator() throws {
        func probes(samples: Int) throws -> Tensor {
            let attack = try AdaptiveFixture.attack("""
                {type: lambda_aware, probe: {budget: 400, flips: false, noise: 0, generator_samples: \(samples), \
                generator: {type: pca, components: 4}}, iterations: 2}
                """)
            let aware = try #require(attack as? LambdaAwareAttack)
            let (inputs, _, estimate) = try aware.probeSource.run(AdaptiveFixture.model(lambda: 0.25), resources: try AdaptiveFixture.resources())
            #expect(inputs.shape[0] == 400 && estimate.queries == 400)
            return inputs
        }
        let (with, without) = (try probes(samples: 50), try probes(samples: 0))
        let faces = Array(0..<300), samples = Array(300..<350)
        #expect(with.gathering(rows: faces).scalars == without.gathering(rows: faces).scalars, "the public faces come first either way")
        #expect(with.gathering(rows: samples).scalars != without.gathering(rows: samples).scalars, "then the generator's samples")
        let unknown = "{type: lambda_aware, probe: {generator_samples: 5, generator: {type: pcaa}}}"
        #expect(try AttackTestKit.diagnostics(unknown, registries: try Builtins.registries())?.contains(
            "error: unknown generator 'pcaa' (at attack.probe.generator.type)") == true)
    }

    @Test("without public faces, each probing attack says what it needs", arguments: ["lambda_aware", "surrogate"])
    func noPublicFaces(id: String) throws {
        let attack = try AdaptiveFixture.attack("{type: \(id)}")
        var data = AdaptiveFixture.data
        data.publicSet = LabeledSet(images: Tensor(zeros: [0] + AdaptiveFixture.shape), labels: [])
        let resources = AttackResources(data: data, targets: [0], environment: .ephemeral(), seed: 3, registries: try Builtins.registries())
        #expect(throws: AttackError("\(id) probes the published model on public faces, but this experiment has no public images; set data.public_identities or data.public_source")) {
            _ = try attack.run(against: AdaptiveFixture.model(lambda: 0.25), resources: resources)
        }
    }

    @Test("rescaling undoes g = lambda f + (1 - lambda)/K exactly when f' is uniform")
    func rescaling() {
        let f = Tensor(shape: [2, 4], scalars: [0.7, 0.2, 0.1, 0, 0.25, 0.25, 0.25, 0.25])
        let g = f * 0.3 + 0.7 / 4
        expectClose(LambdaProbe.rescaled(g, lambda: 0.3), f, tolerance: 1e-6)
        expectClose([LambdaProbe.estimate(outputs: Tensor(shape: [1, 4], scalars: [0.3 + 0.7 / 4, 0.7 / 4, 0.7 / 4, 0.7 / 4]), queries: 1).lambda], [0.3], tolerance: 1e-6)
    }

    @Test("surrogate: the student trained on g's rescaled outputs agrees with f on >= 85 % of the private test faces")
    func studentAgreement() throws {
        let attack = try AdaptiveFixture.attack("""
            type: surrogate
            probe: {budget: 3000}
            student: {type: softmax_regression, train: {epochs: 60, batch_size: 32, optimizer: {type: adam, lr: 0.05}}}
            attack: {type: gradient, iterations: 3}
            """)
        let surrogate = try #require(attack as? SurrogateAttack)
        let model = AdaptiveFixture.model(lambda: 0.25)
        let (estimate, student) = try surrogate.learn(from: model, resources: AdaptiveFixture.resources())
        let faces = AdaptiveFixture.data.privateTest.images
        let agree = zip(student.predict(faces).argmaxRows(), NetworkModel(AdaptiveFixture.f).predictions(faces)).filter { $0 == $1 }.count
        let agreement = Double(agree) / Double(faces.shape[0])
        // The defended g itself, for comparison (its argmax is f's where f' is flat).
        let gAgree = zip(model.predictions(faces), NetworkModel(AdaptiveFixture.f).predictions(faces)).filter { $0 == $1 }.count
        print("surrogate: lambda estimate \(estimate.lambda) (true 0.25), student-f agreement \(agreement), g-f agreement \(Double(gAgree) / Double(faces.shape[0]))")
        #expect(agreement >= Self.agreementThreshold, "agreement \(agreement)")
        #expect(estimate.queries == 3000)
    }

    @Test("surrogate: runs the nested attack on the student, scores with g, reports through adaptive_attack")
    func surrogateRunAndMetric() throws {
        let attack = try AdaptiveFixture.attack("""
            type: surrogate
            probe: {budget: 600}
            student: {type: softmax_regression, train: {epochs: 10, optimizer: {type: adam, lr: 0.05}}}
            attack: {type: gradient, iterations: 20, restarts: 2, identity_loss: cross_entropy, init: {type: uniform, low: 0.4, high: 0.6}}
            """)
        let model = AdaptiveFixture.model(lambda: 0.3)
        let result = try attack.run(against: model, resources: AdaptiveFixture.resources(targets: [0, 1, 2]))
        #expect(result.reconstructions.shape == [3, 1, 8, 8] && result.attempts.shape == [6, 1, 8, 8])
        // Confidence is g's on every attempt; queries are the probe's 600 split over 3 identities plus 2 scoring queries each.
        let g = model.query(result.attempts)
        let targets = result.attemptTargets
        expectClose(result.attemptConfidence, targets.indices.map { g.scalars[$0 * 10 + targets[$0]] }, tolerance: 1e-6)
        #expect(result.queries == [202, 202, 202])
        let metric = try Builtins.registries().metrics.build(PluginNode(id: "adaptive_attack"),
                                                              context: BuildContext(specDirectory: URL(fileURLWithPath: "/tmp"), seed: 1, registries: try Builtins.registries()))
        let values = try metric.measure(MetricInput(attack: result, evaluator: AdaptiveFixture.f, evaluatorIsTarget: false, data: AdaptiveFixture.data,
                                                    published: model, undefended: NetworkModel(AdaptiveFixture.f)))
        guard case .trial(let estimate)? = values["lambda_estimate"], case .trial(let truth)? = values["lambda_true"],
              case .trial(let error)? = values["lambda_error"], case .trial(let queries)? = values["adaptive_queries"],
              case .trial(let agreement)? = values["student_agreement"] else {
            Issue.record("missing columns: \(values)")
            return
        }
        print("surrogate run: lambda_estimate \(estimate), lambda_true \(truth), error \(error), queries \(queries), student_agreement \(agreement)")
        #expect(abs(truth - 0.3) < 1e-6 && abs(error - abs(estimate - truth)) < 1e-12 && error <= Self.lambdaTolerance)
        #expect(queries == 600)
        #expect(agreement >= 0.8)
        // The true lambda is the composite's MixtureWeight attachment: an output defense around it passes it through.
        let wrapped = DefendedOutputModel(inner: model, gradient: .none, label: "identity") { probabilities, _ in probabilities }
        let throughWrapper = try metric.measure(MetricInput(attack: result, evaluator: AdaptiveFixture.f, evaluatorIsTarget: false,
                                                            data: AdaptiveFixture.data, published: wrapped, undefended: NetworkModel(AdaptiveFixture.f)))
        #expect(throughWrapper["lambda_true"] == .trial(Double(Float(0.3))))
        // Another result (not an adaptive attack's) has no report: empty values.
        var other = result
        other.reconstructions = result.reconstructions * 0.5
        let empty = try metric.measure(MetricInput(attack: other, evaluator: AdaptiveFixture.f, evaluatorIsTarget: false, data: AdaptiveFixture.data,
                                                   published: model, undefended: NetworkModel(AdaptiveFixture.f)))
        #expect(empty["lambda_estimate"] == .trial(.nan) || { if case .trial(let v)? = empty["lambda_estimate"] { return v.isNaN }; return false }())
    }

    @Test("lambda_aware: the level objective drives g_j to the level and no higher; maximising g_j (1 - g_j) ends higher")
    func levelObjective() throws {
        // A less saturated f (logit scale 4) so that pixel gradients reach every class.
        let model = DummyRecognizerModel(protected: NetworkModel(AdaptiveFixture.network(seed: 1, scale: 4, name: "f")),
                                         dummy: AdaptiveFixture.fPrime, lambda: 0.3, syntheticIdentities: DecoyImages(images: []))
        let common = """
            probe: {budget: 400}
            optimizer: {type: adam, lr: 0.05}
            iterations: 300
            init: {type: uniform, low: 0.4, high: 0.6}
            """
        let level = 0.3 + 0.7 / 10.0
        let attack = try AdaptiveFixture.attack("type: lambda_aware\ntarget_level: \(level)\n" + common)
        let result = try attack.run(against: model, resources: AdaptiveFixture.resources(targets: [0, 1, 2, 3]))
        let report = try #require(AdaptiveAttackReports.shared.report(for: result))
        let greedy = try AdaptiveFixture.attack("type: lambda_aware\nobjective: identity_loss\nidentity_loss: one_minus_confidence\n" + common)
            .run(against: model, resources: AdaptiveFixture.resources(targets: [0, 1, 2, 3]))
        print("lambda_aware: estimate \(report.estimate.lambda), level objective g_j \(result.targetConfidence), 1 - g_j objective \(greedy.targetConfidence)")
        for confidence in result.targetConfidence { #expect(abs(Double(confidence) - level) < 0.03, "g_j \(confidence), level \(level)") }
        let mean = { (values: [Float]) in Double(values.reduce(0, +)) / Double(values.count) }
        #expect(mean(greedy.targetConfidence) > mean(result.targetConfidence) + 0.01, "1 - g_j: \(greedy.targetConfidence)")
        // The probe's 400 queries are split over the 4 identities, beside one query per step and one to score.
        #expect(result.queries.allSatisfy { $0 == 100 + 301 + 1 }, "\(result.queries)")
    }

    @Test("lambda_aware: select picks per identity the attempt of highest confidence, or of lowest realism_prior penalty",
          arguments: ["confidence", "realism"])
    func restartSelection(select: String) throws {
        let yaml = """
            type: lambda_aware
            objective: identity_loss
            identity_loss: one_minus_confidence
            probe: {budget: 50}
            iterations: 4
            restarts: 4
            init: {type: uniform}
            select: \(select)
            regularizers: [{type: realism_prior, weight: 0, synthetic_images: 40, classifier: {type: mlp, hidden: [8], train: {epochs: 5}}}]
            """
        let attack = try AdaptiveFixture.attack(yaml)
        let resources = try AdaptiveFixture.resources(targets: [0, 1, 2])
        let result = try attack.run(against: AdaptiveFixture.model(lambda: 0.25), resources: resources)
        let scores: [Float]
        if select == "realism" {
            var prior = try RegularizerTestKit.build("{type: realism_prior, weight: 0, synthetic_images: 40, classifier: {type: mlp, hidden: [8], train: {epochs: 5}}}", seed: 7)
            try prior.prepare(resources)
            scores = prior.penalty(images: Var(constant: result.attempts), latents: nil).value.scalars
        } else {
            scores = result.attemptConfidence.map { -$0 }
        }
        for identity in 0..<3 {
            let rows = Array((identity * 4)..<((identity + 1) * 4))
            let best = rows.min { scores[$0] < scores[$1] }! - identity * 4
            #expect(result.selectedAttempt[identity] == best, "identity \(identity): selected \(result.selectedAttempt[identity]), scores \(rows.map { scores[$0] })")
            #expect(result.reconstructions.gathering(rows: [identity]).scalars == result.attempts.gathering(rows: [identity * 4 + best]).scalars)
        }
        print("select \(select): selected \(result.selectedAttempt)")
    }

    @Test("bad configurations: select realism without the prior, a surrogate inside a surrogate, a student with a validation split")
    func diagnostics() throws {
        let registries = try Builtins.registries()
        let realism = "{type: lambda_aware, select: realism}"
        #expect(try AttackTestKit.diagnostics(realism, registries: registries) == renderedDiagnostic(
            "attack.yaml", column: 30, source: realism,
            message: "select: realism scores the restarts with the attack's realism_prior regularizer, but `regularizers` has none (at attack.select)",
            notes: ["add {type: realism_prior, weight: 0} to `regularizers` to select without penalising"]))
        let nested = "{type: surrogate, attack: {type: surrogate}}"
        #expect(try AttackTestKit.diagnostics(nested, registries: registries) == renderedDiagnostic(
            "attack.yaml", column: 34, source: nested,
            message: "a surrogate attack cannot invert its student with another surrogate attack (at attack.attack.type)",
            notes: ["name the attack run against the student, e.g. {type: gradient}"]))
        let validation = "{type: surrogate, student: {type: mlp, train: {validation_fraction: 0.1}}}"
        #expect(try AttackTestKit.diagnostics(validation, registries: registries) == renderedDiagnostic(
            "attack.yaml", column: 69, source: validation,
            message: "the surrogate student is trained on all probes; set validation_fraction to 0 (at attack.student.train.validation_fraction)"))
    }
}

/// A one-line spec's rendered error: location, message, the source line with a caret, notes.
func renderedDiagnostic(_ file: String, column: Int, source: String, message: String, notes: [String] = []) -> String {
    (["\(file):1:\(column): error: \(message)", "    1 | \(source)", "      | " + String(repeating: " ", count: column - 1) + "^"]
        + notes.map { "note: \($0)" }).joined(separator: "\n")
}
