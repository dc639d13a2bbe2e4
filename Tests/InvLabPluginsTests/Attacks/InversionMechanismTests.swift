import Foundation
import InvLabAttacks
import InvLabCore
import InvLabTensor
import InvLabTestSupport
import Testing

/// PLG-MI's pseudo-label selection and max-margin loss, KEDMI's reparameterised latent: each on a
/// hand-made case whose answer is worked out by hand.
@Suite("KEDMI and PLG-MI mechanisms")
struct InversionMechanismTests {
    @Test("top-k pseudo-labels pick each class's most confident images, ties to the lower index")
    func pseudoLabelSelection() {
        // 5 images x 3 classes; class 0 has a tie (images 1 and 3 at 0.5), class 2 a three-way tie at 0.2.
        let confidences = Tensor(shape: [5, 3], scalars: [
            0.1, 0.7, 0.2,
            0.5, 0.3, 0.2,
            0.6, 0.2, 0.2,
            0.5, 0.1, 0.4,
            0.2, 0.6, 0.2,
        ])
        #expect(PseudoLabels.select(confidences: confidences, topK: 2) == [[2, 1], [0, 4], [3, 0]])
        #expect(PseudoLabels.select(confidences: confidences, topK: 3) == [[2, 1, 3], [0, 4, 1], [3, 0, 1]])
        #expect(PseudoLabels.select(confidences: confidences, topK: 9).map(\.count) == [5, 5, 5])
        let rows = PseudoLabels.trainingRows([[2, 1], [0, 4]])
        #expect(rows.images == [2, 1, 0, 4] && rows.classes == [0, 0, 1, 1])
    }

    @Test("max-margin loss: -l_y + max over the other classes, gradient -1 at y and +1 at the rival")
    func maxMargin() {
        let logits = Tensor(shape: [3, 4], scalars: [
            2, 5, 1, 3,     // y = 0: rival 1 (5): 5 - 2 = 3
            4, 1, 4, -2,    // y = 1: tie between 0 and 2 at 4, the first (0) is the rival: 4 - 1 = 3
            0, 0, 9, 1,     // y = 2: rival 3 (1): 1 - 9 = -8
        ])
        let targets = [0, 1, 2]
        let (value, gradient) = valueWithGradient(at: logits) { MaxMarginLoss.perRow(logits: $0, targets: targets).sum() }
        #expect(MaxMarginLoss.perRow(logits: Var(constant: logits), targets: targets).value.scalars == [3, 3, -8])
        #expect(value.scalar == -2)
        #expect(gradient.scalars == [-1, 1, 0, 0, 1, -1, 0, 0, 0, 0, -1, 1])
    }

    @Test("the reparameterised latent's gradient in mu and log-sigma matches finite differences (eps fixed)")
    func reparameterisedGradient() {
        var generator = SeededGenerator(seed: 3)
        let mean = Tensor.normal([2, 3], standardDeviation: 0.5, generator: &generator)
        let logStd = Tensor.normal([2, 3], standardDeviation: 0.3, generator: &generator)
        let noise = Tensor.normal([5, 3], generator: &generator)
        let weights = Tensor.normal([5, 3], generator: &generator)
        let identities = [0, 1, 1, 0, 1]
        // A smooth non-linear loss of the samples, so the gradient depends on mu, sigma and eps.
        func loss(_ v: [Var]) -> Var {
            let z = ReparameterisedLatent.sample(mean: v[0], logStd: v[1], noise: noise, identities: identities)
            return (z.tanh() * weights).sum() + z.squared().sum() * 0.25
        }
        let (_, gradients) = valueWithGradient(at: [mean, logStd], of: loss)
        for (which, parameter) in [mean, logStd].enumerated() {
            var numeric: [Float] = []
            for index in 0..<parameter.count {
                func shifted(_ h: Float) -> Float {
                    var values = [mean, logStd]
                    var scalars = values[which].scalars
                    scalars[index] += h
                    values[which] = Tensor(shape: parameter.shape, scalars: scalars)
                    return loss(values.map { Var(constant: $0) }).value.scalar
                }
                numeric.append((shifted(1e-2) - shifted(-1e-2)) / 2e-2)
            }
            expectClose(gradients[which].scalars, numeric, tolerance: 2e-3, which == 0 ? "d/d mu" : "d/d log sigma")
        }
        // The chain rule by hand: dL/dlog sigma = sum over the identity's rows of dL/dz * sigma * eps.
        let (_, dz) = valueWithGradient(at: Tensor(shape: [5, 3], scalars: identities.enumerated().flatMap { row, i in
            (0..<3).map { mean.scalars[i * 3 + $0] + Foundation.exp(logStd.scalars[i * 3 + $0]) * noise.scalars[row * 3 + $0] }
        })) { z in (z.tanh() * weights).sum() + z.squared().sum() * 0.25 }
        let expected = (0..<6).map { k -> Float in
            let (i, d) = (k / 3, k % 3)
            return identities.indices.filter { identities[$0] == i }.reduce(0) {
                $0 + dz.scalars[$1 * 3 + d] * Foundation.exp(logStd.scalars[k]) * noise.scalars[$1 * 3 + d]
            }
        }
        expectClose(gradients[1].scalars, expected, tolerance: 1e-4, "chain rule")
    }
}

/// KEDMI and PLG-MI end to end on tiny data: their queries are counted as documented, and they
/// report the start image of each kept attempt.
@Suite("KEDMI and PLG-MI attacks")
struct GANInversionAttackTests {
    let model = PlantedLinearModel.planted(AttackTestKit.templates, strengths: [3, 3, 3])

    @Test("queries: search rows x iterations + scoring + the public images split over the identities", arguments: [
        ("type: kedmi\ngan: {side: 32, width: 2, latent: 3, epochs: 1, batch_size: 4}\niterations: 4\nsamples: 3\nrestarts: 2", 4 * 3 + 2),
        ("type: plgmi\ngan: {side: 32, width: 2, latent: 3, epochs: 1, batch_size: 4}\ntop_k: 2\niterations: 4\nrestarts: 2", 4 * 2 + 2),
    ])
    func queries(_ yaml: String, perIdentity: Int) throws {
        let attack = try AttackTestKit.build(yaml)
        let data = AttackTestKit.data(classes: 3, publicCount: 5)
        let result = try attack.run(against: model, resources: AttackTestKit.resources(targets: [0, 2], data: data))
        // 5 public images over 2 identities: 3 and 2.
        #expect(result.queries == [perIdentity + 3, perIdentity + 2])
        #expect(result.reconstructions.shape == [2, 1, 4, 4] && result.attempts.shape == [4, 1, 4, 4])
        #expect(result.lossCurves.map(\.count) == [4, 4] && result.iterations == [4, 4])
        // The kept attempts' start images (the generator at the initial search variables), for the
        // judges' pasted-perturbation test: same shape, pixels, moved by the search.
        let starts = try #require(result.starts)
        #expect(starts.shape == result.reconstructions.shape)
        #expect(starts.scalars.allSatisfy { (0...1).contains($0) })
        #expect(starts.scalars != result.reconstructions.scalars)
        let best = result.targets.indices.map { result.attemptConfidence[$0 * 2 + result.selectedAttempt[$0]] }
        #expect(best == result.targets.indices.map { result.attemptConfidence[($0 * 2)..<($0 * 2 + 2)].max()! })
    }
}
