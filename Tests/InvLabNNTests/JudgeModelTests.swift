import Foundation
import InvLabNN
import InvLabTensor
import Testing

@Suite("Judge models: Fisherfaces and PGD adversarial training")
struct JudgeModelTests {
    /// Three classes in 6 dimensions whose means differ by 1 along three axes, and a nuisance
    /// direction (like lighting) with a spread of ±4 shared by every class.
    static func nuisanceSet(offsets: [Float]) -> (images: Tensor, labels: [Int]) {
        var scalars: [Float] = [], labels: [Int] = []
        for label in 0..<3 {
            for (index, offset) in offsets.enumerated() {
                var x = [Float](repeating: 0, count: 6)
                x[label] = 1
                x[5] = offset                                          // the nuisance axis
                x[3] = 0.05 * Float((index * 7 + label * 3) % 5 - 2)   // small within-class variation
                x[4] = 0.05 * Float((index * 3 + label * 5) % 5 - 2)
                scalars += x
                labels.append(label)
            }
        }
        return (Tensor(shape: [labels.count, 1, 1, 6], scalars: scalars), labels)
    }

    @Test("Fisherfaces classifies a separable set with a large shared nuisance direction")
    func fisherfacesSeparable() throws {
        let train = Self.nuisanceSet(offsets: [-4, -2, 0, 2, 4])
        let model = try Fisherfaces.fit(train.images, labels: train.labels, classes: 3)
        #expect(model.projection.shape == [6, 2], "c - 1 = 2 discriminant directions")
        let test = Self.nuisanceSet(offsets: [-3.5, 3.5])
        let predicted = model.scores(test.images).argmaxRows()
        #expect(predicted == test.labels)
    }

    @Test("Fisherfaces rejects a single class and mismatched labels with a message")
    func fisherfacesErrors() {
        let images = Tensor(shape: [3, 1, 1, 2], scalars: [0, 1, 1, 0, 0.5, 0.5])
        #expect(throws: FitError.self) { try Fisherfaces.fit(images, labels: [0, 0, 0], classes: 2) }
        do {
            _ = try Fisherfaces.fit(images, labels: [0, 1], classes: 2)
            Issue.record("accepted 2 labels for 3 images")
        } catch let error as FitError {
            #expect(error.message == "fisherfaces: 2 labels for 3 images")
        } catch { Issue.record("unexpected \(error)") }
    }

    /// Two classes: pixels 0-5 carry a small but exact signal (±0.03, non-robust: a 0.05 attack
    /// flips it), pixels 6-7 a larger but noisy one (±0.08 + N(0, 0.05), robust).
    static func robustnessSet(count: Int, seed: UInt64) -> (images: Tensor, labels: [Int]) {
        var generator = SeededGenerator(seed: seed)
        var scalars: [Float] = [], labels: [Int] = []
        for index in 0..<count {
            let label = index % 2
            let sign: Float = label == 1 ? 1 : -1
            for _ in 0..<6 { scalars.append(0.5 + 0.03 * sign) }
            for _ in 6..<8 { scalars.append(0.5 + 0.08 * sign + 0.05 * generator.nextNormal()) }
            labels.append(label)
        }
        return (Tensor(shape: [count, 1, 1, 8], scalars: scalars), labels)
    }

    func robustAccuracy(_ network: Network, _ set: (images: Tensor, labels: [Int]), attack: AdversarialTraining) -> Float {
        var generator = SeededGenerator(seed: 99)
        let adversarial = attack.perturb(set.images, labels: set.labels, network: network, generator: &generator)
        let predicted = network.predict(adversarial).argmaxRows()
        return Float(zip(predicted, set.labels).filter { $0 == $1 }.count) / Float(set.labels.count)
    }

    @Test("PGD adversarial training raises accuracy under a small PGD attack")
    func adversarialTrainingHelps() throws {
        let train = Self.robustnessSet(count: 200, seed: 1)
        let test = Self.robustnessSet(count: 200, seed: 2)
        let attack = AdversarialTraining(norm: .linf, epsilon: 0.05, steps: 5, stepSize: 0.02)
        func trained(adversarial: AdversarialTraining?) throws -> Network {
            var settings = TrainingSettings()
            settings.epochs = 40
            settings.batchSize = 20
            settings.optimizer = .adam(learningRate: 0.05)
            settings.seed = 3
            settings.adversarial = adversarial
            var network = Network(Sequential([Flatten(), Linear(8, 2)]), inputShape: [1, 1, 8], seed: 4)
            try ClassifierTrainer(settings: settings).train(&network, images: train.images, labels: train.labels)
            return network
        }
        let plain = try trained(adversarial: nil)
        let robust = try trained(adversarial: attack)
        let plainRobust = robustAccuracy(plain, test, attack: attack)
        let robustRobust = robustAccuracy(robust, test, attack: attack)
        #expect(robustRobust >= plainRobust + 0.1, "robust accuracy: plain \(plainRobust), adversarially trained \(robustRobust)")
        #expect(robustRobust > 0.75)
    }

    @Test("PGD stays inside its ball and the pixel range")
    func pgdProjection() {
        let network = Network(Sequential([Flatten(), Linear(8, 2)]), inputShape: [1, 1, 8], seed: 4)
        let set = Self.robustnessSet(count: 6, seed: 5)
        for norm in AdversarialTraining.Norm.allCases {
            let attack = AdversarialTraining(norm: norm, epsilon: 0.1, steps: 4, stepSize: 0.05)
            var generator = SeededGenerator(seed: 1)
            let adversarial = attack.perturb(set.images, labels: set.labels, network: network, generator: &generator)
            let delta = (adversarial - set.images).scalars
            for image in 0..<6 {
                let part = delta[(image * 8)..<((image + 1) * 8)]
                let size = norm == .linf ? part.map { abs($0) }.max()! : part.map { $0 * $0 }.reduce(0, +).squareRoot()
                #expect(size <= 0.1 + 1e-5, "\(norm): |delta| = \(size)")
            }
            #expect(adversarial.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        }
    }
}
