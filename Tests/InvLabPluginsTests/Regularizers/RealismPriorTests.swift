import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabNN
import InvLabRegularizers
import InvLabSpec
import InvLabTensor
import InvLabTestSupport
import Testing

/// realism_prior: a real-vs-synthetic classifier trained by the attacker; -log p_real(x).
@Suite("Regularizer plugins: realism_prior")
struct RealismPriorTests {
    static let publicFaces = GeneratorTestKit.blobs(count: 60, height: 8, width: 8, seed: 21)
    static let prior = "{type: realism_prior, synthetic_images: 60, classifier: {type: mlp, hidden: [16], train: {epochs: 30, optimizer: {type: adam, lr: 0.01}}}}"

    @Test("after training, public-like faces cost less than the attacker's synthetic faces")
    func separates() throws {
        var regularizer = try RegularizerTestKit.build(Self.prior)
        #expect(regularizer.weight == 0.1)
        let resources = try RegularizerTestKit.resources(RegularizerTestKit.data(publicImages: Self.publicFaces), environment: .ephemeral())
        try regularizer.prepare(resources)
        let real = GeneratorTestKit.blobs(count: 20, height: 8, width: 8, seed: 77)
        let dataset = try resources.registries.datasets.build(
            PluginNode(id: "synthetic_faces", options: .mapping(["identities": .value(.int(4)), "images_per_identity": .value(.int(5)),
                                                                 "height": .value(.int(8)), "width": .value(.int(8)),
                                                                 "identity_offset": .value(.int(900_000))])),
            context: BuildContext(specDirectory: URL(fileURLWithPath: "/tmp"), seed: 3, registries: resources.registries)).load(.ephemeral())
        let synthetic = ImageConversion.convert(dataset.images, channels: 1, height: 8, width: 8)
        let realPenalty = regularizer.penalty(images: Var(constant: real), latents: nil).value
        let syntheticPenalty = regularizer.penalty(images: Var(constant: synthetic), latents: nil).value
        print("realism_prior: mean penalty real \(realPenalty.mean()), unseen synthetic \(syntheticPenalty.mean())")
        #expect(realPenalty.shape == [20])
        #expect(realPenalty.mean() < syntheticPenalty.mean())
    }

    @Test("the gradient matches central finite differences")
    func gradient() throws {
        var regularizer = try RegularizerTestKit.build("{type: realism_prior, synthetic_images: 20, classifier: {type: mlp, hidden: [8], activation: tanh, train: {epochs: 3}}}")
        try regularizer.prepare(try RegularizerTestKit.resources(RegularizerTestKit.data(publicImages: Self.publicFaces), environment: .ephemeral()))
        let x = GeneratorTestKit.blobs(count: 3, height: 8, width: 8, seed: 8)
        let (value, gradient) = valueWithGradient(at: x) { regularizer.penalty(images: $0, latents: nil).sum() }
        #expect(gradient.shape == [3, 1, 8, 8] && gradient.isFinite)
        var generator = SeededGenerator(seed: 4)
        let direction = Tensor.uniform(x.shape, low: -1, high: 1, generator: &generator)
        let h: Float = 1e-3
        let plus = regularizer.penalty(images: Var(constant: x + direction * h), latents: nil).value.sum()
        let minus = regularizer.penalty(images: Var(constant: x - direction * h), latents: nil).value.sum()
        let numeric = (plus - minus) / (2 * h)
        let analytic = (gradient * direction).sum()
        print("realism_prior gradient: numeric \(numeric), analytic \(analytic)")
        #expect(abs(numeric - analytic) < 0.02 * max(1, abs(analytic)), "numeric \(numeric), analytic \(analytic), value \(value.scalar)")
    }

    @Test("a generator source: random latents of the attacker's own generator fitted on the public faces")
    func generatorSource() throws {
        var regularizer = try RegularizerTestKit.build("{type: realism_prior, synthetic: {type: pca, components: 4}, synthetic_images: 30, classifier: {type: mlp, hidden: [8], train: {epochs: 2}}}")
        try regularizer.prepare(try RegularizerTestKit.resources(RegularizerTestKit.data(publicImages: Self.publicFaces), environment: .ephemeral()))
        #expect(regularizer.penalty(images: Var(constant: Self.publicFaces), latents: nil).value.isFinite)
    }

    @Test("bad configurations name the key")
    func diagnostics() {
        let unknown = "{type: realism_prior, synthetic: {type: nonsense}}"
        #expect(RegularizerTestKit.diagnostics(unknown) == renderedDiagnostic(
            "regularizer.yaml", column: 41, source: unknown,
            message: "unknown synthetic source 'nonsense' (at attack.regularizers[0].synthetic.type)",
            notes: ["known sources (dataset and generator plugins): orl, mnist5k, idx, image_folder, synthetic_faces, pca, vae, dcgan"]))
        let validation = "{type: realism_prior, classifier: {type: mlp, train: {validation_fraction: 0.2}}}"
        #expect(RegularizerTestKit.diagnostics(validation) == renderedDiagnostic(
            "regularizer.yaml", column: 76, source: validation,
            message: "the realism classifier is trained without a validation split; set validation_fraction to 0 (at attack.regularizers[0].classifier.train.validation_fraction)"))
    }
}
