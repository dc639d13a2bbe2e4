import Foundation
import InvLabCore
import InvLabDefenses
import InvLabDummyRecognizer
import InvLabNN
import InvLabTensor
import InvLabTestSupport
import Testing

/// Rounding, top-k and label-only: published values, what the attacker's forward pass sees, and
/// the gradient each `attacker_gradient` mode lets through.
@Suite("Output defenses: rounding, top_k, label_only")
struct OutputDefenseTests {
    let registries: Registries
    let resources: DefenseResources

    init() throws {
        registries = try DefenseTestKit.registries()
        let set = LabeledSet(images: Tensor(zeros: [1, 1, 1, 3]), labels: [0])
        resources = DefenseTestKit.resources(DefenseTestKit.data(train: set, classes: 3), registries: registries)
    }

    func wrapped(_ yaml: String, classes: Int) throws -> any PublishedModel {
        try DefenseTestKit.build(yaml, registries: registries).wrap(PixelProbabilitiesModel(classes: classes), resources: resources)
    }

    @Test("rounding publishes each probability rounded to `digits` decimals, half away from zero")
    func roundingValues() throws {
        let x = PixelProbabilitiesModel.images([[0.123456, 0.5, 0.376544], [0.005, 0.994, 0.001]])
        let two = try wrapped("{type: rounding, digits: 2}", classes: 3)
        #expect(two.query(x).scalars == [0.12, 0.5, 0.38, 0.01, 0.99, 0])
        let zero = try wrapped("{type: rounding, digits: 0}", classes: 3)
        #expect(zero.query(x).scalars == [0, 1, 0, 0, 1, 0])
        let four = try wrapped("{type: rounding, digits: 4}", classes: 3)
        #expect(four.query(x).scalars == [0.1235, 0.5, 0.3765, 0.005, 0.994, 0.001])
    }

    @Test("the attacker's forward value is the defended output in both gradient modes", arguments: [
        "{type: rounding, digits: 1, attacker_gradient: straight_through}", "{type: rounding, digits: 1, attacker_gradient: none}",
        "{type: top_k, k: 2, attacker_gradient: straight_through}", "{type: top_k, k: 1, renormalize: true, attacker_gradient: none}",
        "{type: label_only}", "{type: label_only, attacker_gradient: none}",
        "{type: output_noise, sigma: 0.2}", "{type: output_noise, sigma: 0.2, attacker_gradient: none}",
    ])
    func forwardIsDefended(yaml: String) throws {
        let x = PixelProbabilitiesModel.images([[0.12, 0.61, 0.27], [0.34, 0.33, 0.33]])
        let model = try wrapped(yaml, classes: 3)
        let published = model.query(x)
        #expect(published != x.reshaped([2, 3]), "the defense changed nothing")
        #expect(model.output(Var(constant: x)).probabilities.value == published)
        #expect(model.output(Var(constant: x)).logits == nil)
    }

    @Test("straight_through: the gradient of the undefended output; none: zero", arguments: ["rounding", "top_k", "label_only", "output_noise"])
    func attackerGradients(id: String) throws {
        // A real network, so that the undefended gradient is not trivial.
        let network = DefenseTestKit.linearNetwork(inputShape: [1, 3, 3], classes: 4, seed: 3, scale: 4)
        let undefended = NetworkModel(network)
        let x = DefenseTestKit.images(2, shape: [1, 3, 3], seed: 5)
        let weights = Tensor(shape: [2, 4], scalars: [0.3, -1, 2, 0.5, -0.7, 1.5, 0.2, -2])
        func gradient(_ model: any PublishedModel) -> Tensor {
            valueWithGradient(at: x) { (model.output($0).probabilities * weights).sum() }.gradient
        }
        let expected = gradient(undefended)
        #expect(expected.scalars.contains { abs($0) > 1e-3 })

        let straight = try DefenseTestKit.build("{type: \(id), attacker_gradient: straight_through}", registries: registries)
            .wrap(undefended, resources: resources)
        #expect(gradient(straight) == expected)

        let none = try DefenseTestKit.build("{type: \(id), attacker_gradient: none}", registries: registries)
            .wrap(undefended, resources: resources)
        #expect(gradient(none) == Tensor(zeros: x.shape))
    }

    @Test("top_k keeps the k largest (lower index first among equals), optionally renormalised")
    func topK() throws {
        let x = PixelProbabilitiesModel.images([[0.1, 0.4, 0.2, 0.3], [0.3, 0.3, 0.4, 0]])
        #expect(try wrapped("{type: top_k, k: 2}", classes: 4).query(x).scalars == [0, 0.4, 0, 0.3, 0.3, 0, 0.4, 0])
        let renormalised = try wrapped("{type: top_k, k: 2, renormalize: true}", classes: 4).query(x)
        expectClose(renormalised, Tensor(shape: [2, 4], scalars: [0, 4.0 / 7, 0, 3.0 / 7, 3.0 / 7, 0, 4.0 / 7, 0]))
        #expect(try wrapped("{type: top_k, k: 1}", classes: 4).query(x).scalars == [0, 0.4, 0, 0, 0, 0, 0.4, 0])
    }

    @Test("top_k with k not below the number of classes is refused when wrapping")
    func topKTooLarge() throws {
        #expect {
            _ = try wrapped("{type: top_k, k: 3}", classes: 3)
        } throws: { error in
            "\(error)" == "top_k: k is 3 but the model has 3 classes; k must be smaller, or the defense publishes every probability"
        }
    }

    @Test("label_only publishes the one-hot argmax; accuracy is unchanged")
    func labelOnly() throws {
        let x = PixelProbabilitiesModel.images([[0.1, 0.5, 0.4], [0.5, 0.5, 0], [0.2, 0.3, 0.5]])
        #expect(try wrapped("{type: label_only}", classes: 3).query(x).scalars == [0, 1, 0, 1, 0, 0, 0, 0, 1])

        let network = DefenseTestKit.linearNetwork(inputShape: [1, 4, 4], classes: 5, seed: 9)
        let images = DefenseTestKit.images(40, shape: [1, 4, 4], seed: 1)
        let undefended = NetworkModel(network)
        let labels = undefended.predictions(images).enumerated().map { $0.offset % 3 == 0 ? ($0.element + 1) % 5 : $0.element }
        let set = LabeledSet(images: images, labels: labels)
        let defended = try DefenseTestKit.build("{type: label_only}", registries: registries).wrap(undefended, resources: resources)
        #expect(defended.accuracy(on: set) == undefended.accuracy(on: set))
        #expect(defended.accuracy(on: set) < 1 && defended.accuracy(on: set) > 0.5)
    }

    @Test("output defenses pass the inner model's attachments (decoys) through and name themselves", arguments: [
        ("{type: rounding}", "rounding(2 digits, straight_through) of pixel probabilities"),
        ("{type: top_k, k: 2, renormalize: true}", "top_k(2, renormalised, straight_through) of pixel probabilities"),
        ("{type: label_only, attacker_gradient: none}", "label_only(none) of pixel probabilities"),
        ("{type: output_noise, sigma: 0.1}", "output_noise(sigma 0.1, straight_through) of pixel probabilities"),
    ])
    func decoysPassThrough(yaml: String, summary: String) throws {
        let decoys = DecoyImages(images: [Tensor(repeating: 0.25, shape: [2, 1, 1, 3]), Tensor(repeating: 0.75, shape: [1, 1, 1, 3])])
        let model = try DefenseTestKit.build(yaml, registries: registries)
            .wrap(PixelProbabilitiesModel(classes: 3, decoys: decoys), resources: resources)
        #expect(model.attachment(DecoyImages.self)?.images == decoys.images)
        #expect(model.attachment(Int.self) == nil)
        #expect(model.summary == summary)
        #expect(model.classes == 3 && model.inputShape == [1, 1, 3])
    }
}
