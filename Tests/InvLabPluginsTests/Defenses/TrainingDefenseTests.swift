import Foundation
import InvLabCore
import InvLabDefenses
import InvLabNN
import InvLabSpec
import InvLabTensor
import InvLabTestSupport
import Testing

/// MID and label smoothing: how they change the target's training recipe, and that the changed
/// training does what the papers define.
@Suite("Training defenses: mid, label_smoothing")
struct TrainingDefenseTests {
    let registries: Registries

    init() throws {
        registries = try DefenseTestKit.registries()
    }

    /// The target's recipe for the recognizer written as `yaml`, before and after `defense`.
    func recipes(_ recognizer: String, defense: String, inputShape: [Int] = [1, 3, 3], classes: Int = 3) throws
        -> (base: TrainingRecipe, adjusted: TrainingRecipe) {
        let node = try decode(PluginNode.self, from: YAMLLoader().parse(recognizer, file: "target.yaml", cache: SourceCache()),
                              at: SpecPath.root.appending("target"))
        let context = DefenseTestKit.context(registries)
        let plugin = try registries.recognizers.build(node, context: context)
        let base = try RecognizerTraining.recipe(plugin, node: node, role: "target", inputShape: inputShape, classes: classes,
                                                 specSeed: DefenseTestKit.seed, dataFingerprint: "data:test", context: context)
        var adjusted = base
        try DefenseTestKit.build(defense, registries: registries).adjust(&adjusted)
        return (base, adjusted)
    }

    /// Three classes of 3x3 images told apart by which row is bright, with pixel noise.
    static func rows(perClass: Int, seed: UInt64) -> LabeledSet {
        var generator = SeededGenerator(seed: seed)
        var scalars: [Float] = [], labels: [Int] = []
        for label in 0..<3 {
            for _ in 0..<perClass {
                for y in 0..<3 { for _ in 0..<3 { scalars.append((y == label ? 0.8 : 0.2) + 0.1 * generator.nextNormal()) } }
                labels.append(label)
            }
        }
        return LabeledSet(images: Tensor(shape: [3 * perClass, 1, 3, 3], scalars: scalars), labels: labels)
    }

    @Test("mid inserts a variational bottleneck before a rebuilt head, weights the KL by beta, and changes the fingerprint")
    func midRecipe() throws {
        let (base, adjusted) = try recipes("{type: mlp, hidden: [8]}", defense: "{type: mid, beta: 0.05, bottleneck: 4}")
        let layers = adjusted.architecture.layers
        #expect(layers.count == base.architecture.layers.count + 1)
        let bottleneck = try #require(layers[layers.count - 2] as? VariationalBottleneck)
        #expect(bottleneck.inputFeatures == 8 && bottleneck.bottleneck == 4)
        let head = try #require(layers.last as? Linear)
        #expect(head.inputFeatures == 4 && head.outputFeatures == 3)
        #expect(adjusted.settings.auxiliaryWeights == ["kl": 0.05])
        #expect(adjusted.fingerprint == base.fingerprint + ["defense:mid {beta: 0.05, bottleneck: 4}"])
        let network = Network(adjusted.architecture, inputShape: [1, 3, 3], seed: 1)
        #expect(network.outputShape(batch: 2) == [2, 3])
    }

    @Test("the bottleneck's KL term has the closed-form gradient")
    func klGradient() throws {
        let (_, adjusted) = try recipes("{type: softmax_regression}", defense: "{type: mid, beta: 1, bottleneck: 2}")
        var network = Network(adjusted.architecture, inputShape: [1, 3, 3], seed: 4)
        // Larger weights so that log-variances are far from 0 and both halves of the gradient matter.
        network.state.parameters["1.weight"] = network.state.parameters["1.weight"]! * 3
        let x = DefenseTestKit.images(5, shape: [1, 3, 3], seed: 8)
        let (kl, gradients) = valueWithGradient(at: network.state.parameterList) { parameters in
            let (_, context) = network.forward(Var(constant: x), parameters: parameters, mode: .training, generator: SeededGenerator(seed: 0))
            return context.auxiliaryLosses["kl"]!
        }
        let names = network.state.parameterNames
        #expect(names == ["1.weight", "1.bias", "2.weight", "2.bias"])

        // statistics = x W^T + b = [mu | logvar]; KL = -1/(2N) sum(1 + lv - mu^2 - e^lv);
        // dKL/dmu = mu / N, dKL/dlv = (e^lv - 1) / (2N); dW = G^T x, db = sum over rows of G.
        let flat = x.reshaped([5, 9])
        let w = network.state.parameters["1.weight"]!, b = network.state.parameters["1.bias"]!
        var expectedKL: Float = 0
        var g = [Float](repeating: 0, count: 5 * 4)
        for n in 0..<5 {
            for j in 0..<4 {
                var s = b.scalars[j]
                for i in 0..<9 { s += flat.scalars[n * 9 + i] * w.scalars[j * 9 + i] }
                g[n * 4 + j] = j < 2 ? s / 5 : (Foundation.exp(s) - 1) / 10
                if j < 2 { expectedKL += s * s / 10 } else { expectedKL += (Foundation.exp(s) - 1 - s) / 10 }
            }
        }
        var dW = [Float](repeating: 0, count: 4 * 9), db = [Float](repeating: 0, count: 4)
        for n in 0..<5 { for j in 0..<4 {
            db[j] += g[n * 4 + j]
            for i in 0..<9 { dW[j * 9 + i] += g[n * 4 + j] * flat.scalars[n * 9 + i] }
        } }
        #expect(abs(kl.scalar - expectedKL) < 1e-4 * max(1, expectedKL))
        expectClose(gradients[0], Tensor(shape: [4, 9], scalars: dW), tolerance: 1e-4)
        expectClose(gradients[1], Tensor(db), tolerance: 1e-4)
        #expect(gradients[0].scalars.contains { abs($0) > 1e-2 })
        // The KL does not involve the head.
        #expect(gradients[2] == Tensor(zeros: [3, 2]) && gradients[3] == Tensor(zeros: [3]))
    }

    @Test("training with beta > 0 runs, and a large beta squeezes the code toward the prior")
    func midTraining() throws {
        let set = Self.rows(perClass: 4, seed: 2)
        let recognizer = "{type: mlp, hidden: [8], train: {epochs: 25, batch_size: 6, optimizer: {type: adam, lr: 0.02}}}"
        func trained(beta: Double) throws -> Network {
            let (_, recipe) = try recipes(recognizer, defense: "{type: mid, beta: \(beta), bottleneck: 3}")
            return try RecognizerTraining.train(recipe, on: set, weights: nil, environment: .ephemeral())
        }
        let light = try trained(beta: 0.001), heavy = try trained(beta: 5)
        func meanCodeSize(_ network: Network) -> Float {
            network.features(Var(constant: set.images)).value.map { abs($0) }.mean()
        }
        #expect(NetworkModel(light).accuracy(on: set) > 0.9)
        #expect(meanCodeSize(heavy) < 0.5 * meanCodeSize(light))
        #expect(light.state.parameters.values.allSatisfy { $0.isFinite })
    }

    @Test("mid refuses an architecture without a Linear head, and a second bottleneck")
    func midErrors() throws {
        var recipe = TrainingRecipe(role: "target", architecture: Sequential([Flatten(), Activation(.relu)]), architectureName: "odd",
                                    inputShape: [1, 2, 2], settings: TrainingSettings(), augmentation: AugmentationConfig(), fingerprint: [])
        let mid = try DefenseTestKit.build("{type: mid}", registries: registries)
        #expect {
            try mid.adjust(&recipe)
        } throws: { "\($0)" == "mid: the target's last layer is relu, not a Linear classifier head; MID inserts its bottleneck before a Linear head" }
        var (_, twice) = try recipes("{type: mlp, hidden: [8]}", defense: "{type: mid}")
        #expect {
            try mid.adjust(&twice)
        } throws: { "\($0)" == "mid: the target already has a variational bottleneck (is `mid` listed twice?)" }
    }

    @Test("negative label smoothing sets the factor, sharpens the targets as defined, and is in the fingerprint")
    func negativeSmoothing() throws {
        let (base, adjusted) = try recipes("{type: mlp, hidden: [8]}", defense: "{type: label_smoothing, factor: -0.1}", classes: 4)
        #expect(adjusted.settings.labelSmoothing == -0.1)
        #expect(adjusted.fingerprint == base.fingerprint + ["defense:label_smoothing {factor: -0.1}"])
        // (1 - s) onehot + s / K with s = -0.1, K = 4: 1.1 - 0.025 for the true class, -0.025 elsewhere.
        let targets = smoothedTargets(labels: [0, 2], classes: 4, smoothing: adjusted.settings.labelSmoothing)
        expectClose(targets, Tensor(shape: [2, 4], scalars: [1.075, -0.025, -0.025, -0.025, -0.025, -0.025, 1.075, -0.025]))

        let (unchangedBase, unchanged) = try recipes("{type: mlp, hidden: [8]}", defense: "{type: label_smoothing, factor: 0}")
        #expect(unchanged.fingerprint == unchangedBase.fingerprint && unchanged.settings.labelSmoothing == 0)
    }

    @Test("trained with negative smoothing the target is more confident than with positive smoothing")
    func smoothingEffect() throws {
        let set = Self.rows(perClass: 4, seed: 3)
        let recognizer = "{type: mlp, hidden: [8], train: {epochs: 40, batch_size: 6, optimizer: {type: adam, lr: 0.03}}}"
        func confidence(_ factor: Double) throws -> Float {
            let (_, recipe) = try recipes(recognizer, defense: "{type: label_smoothing, factor: \(factor)}")
            let network = try RecognizerTraining.train(recipe, on: set, weights: nil, environment: .ephemeral())
            return NetworkModel(network).query(set.images).maxAlongLastAxis().values.mean()
        }
        let negative = try confidence(-0.1), positive = try confidence(0.5)
        #expect(positive < 0.8, "positive smoothing caps the true-class target at 1 - s + s/K = 2/3")
        #expect(negative > positive + 0.1)
    }
}
