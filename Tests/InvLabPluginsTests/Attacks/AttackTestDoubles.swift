import Foundation
import InvLabAttacks
import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor

// Test-only plugins standing in for the optimizer, regularizer and generator modules, so that
// the attack tests do not depend on those modules. They are registered into a `Registries` value
// the tests build themselves (AttackTestKit.registries()).

/// Plain gradient descent, `{type: gradient_descent, lr}`.
struct AttackTestGradientDescent: OptimizerPlugin {
    struct Configuration: SpecConfig {
        var lr = 0.1
        static var fields: [SpecField<Self>] { [SpecField("lr", \.lr, doc: "Step size.", bounds: .greaterThan(0))] }
    }
    static let id = "gradient_descent"
    static let summary = "Test double: plain gradient descent."
    static let example = "type: gradient_descent\nlr: 0.1"
    let learningRate: Float
    init(configuration: Configuration, context: BuildContext) throws { learningRate = Float(configuration.lr) }
    func makeOptimizer() -> any Optimizer { SGD(learningRate: learningRate) }
    var schedule: LearningRateSchedule { .constant }
}

/// Heavy-ball momentum, `{type: momentum, lr, momentum}`.
struct AttackTestMomentum: OptimizerPlugin {
    struct Configuration: SpecConfig {
        var lr = 0.1
        var momentum = 0.9
        static var fields: [SpecField<Self>] { [
            SpecField("lr", \.lr, doc: "Step size.", bounds: .greaterThan(0)),
            SpecField("momentum", \.momentum, doc: "Momentum.", range: 0..<1),
        ] }
    }
    static let id = "momentum"
    static let summary = "Test double: SGD with momentum."
    static let example = "type: momentum"
    let learningRate: Float
    let momentum: Float
    init(configuration: Configuration, context: BuildContext) throws {
        learningRate = Float(configuration.lr)
        momentum = Float(configuration.momentum)
    }
    func makeOptimizer() -> any Optimizer { SGD(learningRate: learningRate, momentum: momentum) }
    var schedule: LearningRateSchedule { .constant }
}

/// `R(x) = ||x - a||^2` with `a` the mean public face, learnt in `prepare`: without `prepare`
/// the penalty is NaN, so an attack that forgets to prepare fails loudly.
struct AttackTestAnchorPrior: RegularizerPlugin {
    typealias Configuration = WeightOnlyConfiguration
    static let id = "anchor"
    static let summary = "Test double: squared distance to the mean public face."
    static let example = "type: anchor"
    let weight: Float
    var anchor: Tensor?
    init(configuration: Configuration, context: BuildContext) throws { weight = Float(configuration.weight) }
    mutating func prepare(_ resources: AttackResources) throws { anchor = resources.data.meanPublicFace }
    func penalty(images: Var, latents: Var?) -> Var {
        guard let anchor else { return images.sumPerSample() * Float.nan }
        return (images - anchor).squared().sumPerSample()
    }
}

/// `R(z) = ||z||^2` on latents (zero in pixel space): a latent-norm prior.
struct AttackTestLatentNorm: RegularizerPlugin {
    typealias Configuration = WeightOnlyConfiguration
    static let id = "latent_norm"
    static let summary = "Test double: squared latent norm."
    static let example = "type: latent_norm"
    let weight: Float
    init(configuration: Configuration, context: BuildContext) throws { weight = Float(configuration.weight) }
    func penalty(images: Var, latents: Var?) -> Var {
        latents.map { $0.squared().sumPerSample() } ?? images.sumPerSample() * 0
    }
}

/// `R(x) = sum sqrt(x)`: finite at x = 0 but with an infinite gradient there.
struct AttackTestSquareRootPrior: RegularizerPlugin {
    typealias Configuration = WeightOnlyConfiguration
    static let id = "square_root"
    static let summary = "Test double: sum of square roots of the pixels."
    static let example = "type: square_root"
    let weight: Float
    init(configuration: Configuration, context: BuildContext) throws { weight = Float(configuration.weight) }
    func penalty(images: Var, latents: Var?) -> Var { images.sqrt().sumPerSample() }
}

/// A hand-made linear generator, `G(z) = 0.5 + A z` with `z` in [-1, 1]^2 (see
/// `LinearTestImageGenerator`); `fit` checks it receives public images.
struct AttackTestLinearGenerator: GeneratorPlugin {
    struct Configuration: SpecConfig {
        var scale = 0.25
        static var fields: [SpecField<Self>] { [SpecField("scale", \.scale, doc: "Entries of A are +-scale.", range: 0...0.5)] }
    }
    static let id = "test_linear"
    static let summary = "Test double: a fixed linear generator on 4x4 images."
    static let example = "type: test_linear"
    let scale: Float
    init(configuration: Configuration, context: BuildContext) throws { scale = Float(configuration.scale) }
    func fit(publicImages: Tensor, environment: RunEnvironment) throws -> any ImageGenerator {
        guard publicImages.shape[0] > 0 else { throw AttackTestFailure("fit called without public images") }
        return LinearTestImageGenerator(scale: scale)
    }
}

/// `G(z) = 0.5 + scale * (z_0 P + z_1 Q)` on `1 x 4 x 4` images, with the orthogonal +-1 patterns
/// P (top half +1) and Q (left half +1, per row): outputs stay in [0, 1] for z in [-1, 1].
struct LinearTestImageGenerator: ImageGenerator {
    let scale: Float
    static let p: [Float] = (0..<16).map { $0 < 8 ? 1 : -1 }
    static let q: [Float] = (0..<16).map { $0 % 4 < 2 ? 1 : -1 }
    var latentSize: Int { 2 }
    var latentBounds: ClosedRange<Float>? { -1...1 }
    var basis: Tensor { Tensor(shape: [16, 2], scalars: (0..<16).flatMap { [Self.p[$0] * scale, Self.q[$0] * scale] }) }
    func generate(_ latents: Var) -> Var {
        (Var.matmul(latents, Var(constant: basis), transposeB: true) + 0.5).reshaped([latents.shape[0], 1, 4, 4])
    }
    func sampleLatents(count: Int, generator: inout SeededGenerator) -> Tensor {
        Tensor.normal([count, 2], generator: &generator)
    }
}

/// A linear softmax classifier on `C x H x W` images: `logits = W flatten(x) + b`; publishes its
/// logits.
struct PlantedLinearModel: PublishedModel {
    var weights: Tensor  // classes x D
    var bias: Tensor     // classes
    var inputShape: [Int]
    var classes: Int { weights.shape[0] }
    var summary: String { "planted linear softmax" }

    func logits(_ x: Var) -> Var {
        Var.linear(x.flattened(), weight: Var(constant: weights), bias: Var(constant: bias))
    }
    func output(_ x: Var) -> ModelOutput {
        let z = logits(x)
        return ModelOutput(probabilities: z.softmax(), logits: z)
    }
    func query(_ x: Tensor) -> Tensor { Tensor.softmaxLastAxis(logits(Var(constant: x)).value) }

    /// Class `j`'s weights are `strength[j] * (2 t_j - 1)`: its most typical input in [0, 1] is
    /// the binary template `t_j`.
    static func planted(_ templates: [[Float]], strengths: [Float], shape: [Int] = [1, 4, 4]) -> PlantedLinearModel {
        let weights = zip(templates, strengths).flatMap { template, strength in template.map { strength * (2 * $0 - 1) } }
        return PlantedLinearModel(weights: Tensor(shape: [templates.count, templates[0].count], scalars: weights),
                                  bias: Tensor(zeros: [templates.count]), inputShape: shape)
    }
}

/// A model that publishes probabilities only (like a mixture defense): a `PlantedLinearModel`
/// without its logits.
struct ProbabilitiesOnlyModel: PublishedModel {
    var inner: PlantedLinearModel
    var classes: Int { inner.classes }
    var inputShape: [Int] { inner.inputShape }
    var summary: String { "probabilities only" }
    func output(_ x: Var) -> ModelOutput { ModelOutput(probabilities: inner.output(x).probabilities, logits: nil) }
    func query(_ x: Tensor) -> Tensor { inner.query(x) }
}

/// A planted model whose outputs turn to NaN from its `failFrom`-th evaluation on (0-based).
///
/// @unchecked Sendable: evaluated by the attack, read by the test; `lock` guards `evaluationCount`.
final class FailingModel: PublishedModel, @unchecked Sendable {
    let inner: PlantedLinearModel
    let failFrom: Int
    private let lock = NSLock()
    private var evaluationCount = 0
    var evaluations: Int { lock.lock(); defer { lock.unlock() }; return evaluationCount }
    init(_ inner: PlantedLinearModel, failFrom: Int) { (self.inner, self.failFrom) = (inner, failFrom) }
    var classes: Int { inner.classes }
    var inputShape: [Int] { inner.inputShape }
    var summary: String { "fails from evaluation \(failFrom)" }
    func output(_ x: Var) -> ModelOutput {
        lock.lock()
        let evaluation = evaluationCount
        evaluationCount += 1
        lock.unlock()
        guard evaluation >= failFrom else { return inner.output(x) }
        let z = inner.logits(x) * Float.nan
        return ModelOutput(probabilities: z.softmax(), logits: z)
    }
    func query(_ x: Tensor) -> Tensor { inner.query(x) }
}

/// A planted model that counts the images it is asked about (through either entry point).
///
/// @unchecked Sendable: called by the attack, read by the test; `lock` guards both counts.
final class CountingModel: PublishedModel, @unchecked Sendable {
    let inner: any PublishedModel
    private let lock = NSLock()
    private var outputCount = 0, queryCount = 0
    var outputImages: Int { lock.lock(); defer { lock.unlock() }; return outputCount }
    var queriedImages: Int { lock.lock(); defer { lock.unlock() }; return queryCount }
    init(_ inner: any PublishedModel) { self.inner = inner }
    var classes: Int { inner.classes }
    var inputShape: [Int] { inner.inputShape }
    var summary: String { "counting" }
    func output(_ x: Var) -> ModelOutput { lock.lock(); outputCount += x.shape[0]; lock.unlock(); return inner.output(x) }
    func query(_ x: Tensor) -> Tensor { lock.lock(); queryCount += x.shape[0]; lock.unlock(); return inner.query(x) }
}

struct AttackTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The one key of the regularizer test doubles: a weight (default 1).
struct WeightOnlyConfiguration: SpecConfig {
    var weight = 1.0
    static var fields: [SpecField<Self>] { [SpecField("weight", \.weight, doc: "Multiplier.", range: 0...)] }
}
