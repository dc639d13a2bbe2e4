import Foundation
import InvLabCore
import InvLabDummyRecognizer
import InvLabNN
import InvLabTensor
import InvLabTestSupport
import Testing

/// The published composite g = lambda f + (1 - lambda) f' (the article's equation (3)).
@Suite("dummy_recognizer: the composite g")
struct DummyCompositeTests {
    let f = NetworkModel(DefenseTestKit.linearNetwork(inputShape: [1, 3, 3], classes: 4, seed: 1, scale: 3))
    let fPrime = DefenseTestKit.linearNetwork(inputShape: [1, 3, 3], classes: 4, seed: 2, scale: 3)
    let x = DefenseTestKit.images(5, shape: [1, 3, 3], seed: 3)

    func composite(_ lambda: Float) -> DummyRecognizerModel {
        DummyRecognizerModel(protected: f, dummy: fPrime, lambda: lambda,
                             syntheticIdentities: DecoyImages(images: (0..<4).map { Tensor(repeating: Float($0) / 4, shape: [2, 1, 3, 3]) }),
                             dummyDescription: "linear on test")
    }

    @Test("g(x) = lambda f(x) + (1 - lambda) f'(x), in the attacker's view and the API's", arguments: [0, 0.25, 0.3, 0.75, 1] as [Float])
    func equation3(lambda: Float) {
        let fx = Tensor.softmaxLastAxis(f.network.predict(x)), fPrimeX = Tensor.softmaxLastAxis(fPrime.predict(x))
        let expected = fx * lambda + fPrimeX * (1 - lambda)
        let g = composite(lambda)
        expectClose(g.query(x), expected, tolerance: 1e-6)
        let output = g.output(Var(constant: x))
        expectClose(output.probabilities.value, expected, tolerance: 1e-6)
        #expect(output.logits == nil)
        for row in 0..<5 { #expect(abs(output.probabilities.value.slice(alongAxis: 0, row..<(row + 1)).sum() - 1) < 1e-5) }
    }

    @Test("the attacker's gradient is lambda grad f + (1 - lambda) grad f'")
    func gradient() {
        let lambda: Float = 0.25
        let weights = Tensor(shape: [5, 4], scalars: (0..<20).map { Float($0 % 7) - 3 })
        let gradF = valueWithGradient(at: x) { (f.output($0).probabilities * weights).sum() }.gradient
        let gradFPrime = valueWithGradient(at: x) { (fPrime.forward($0).softmax() * weights).sum() }.gradient
        let gradG = valueWithGradient(at: x) { (composite(lambda).output($0).probabilities * weights).sum() }.gradient
        expectClose(gradG, gradF * lambda + gradFPrime * (1 - lambda), tolerance: 1e-5)
        #expect(gradFPrime.scalars.contains { abs($0) > 1e-2 })
    }

    @Test("g plants its synthetic identities as decoys and describes itself")
    func decoysAndSummary() {
        let g = composite(0.25)
        let published: any PublishedModel = g
        #expect(published.attachment(DecoyImages.self)?.images.count == 4)
        #expect(published.attachment(DecoyImages.self)?.images[3] == Tensor(repeating: 0.75, shape: [2, 1, 3, 3]))
        #expect(g.summary == "dummy_recognizer(lambda 0.25, f' linear on test) of network")
        #expect(g.classes == 4 && g.inputShape == [1, 3, 3])
    }
}
