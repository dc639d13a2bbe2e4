import Foundation
import InvLabNN
import InvLabTensor
import Testing

@Suite("Networks, architectures and weight files")
struct NetworkTests {
    func temporaryURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("invlab-nn-\(UUID().uuidString)-\(name)")
    }

    @Test("architectures produce the documented shapes and names")
    func shapes() {
        let cnn = Network(ClassifierArchitectures.cnn(inputShape: [1, 28, 20], channels: [4, 8], batchNorm: true, hidden: [16], classes: 5),
                          inputShape: [1, 28, 20], seed: 1)
        #expect(cnn.outputShape(batch: 3) == [3, 5])
        #expect(cnn.state.parameterNames.prefix(3) == ["0.weight", "0.bias", "1.weight"])
        #expect(cnn.state.bufferNames.first == "1.running_mean")
        let resnet = Network(ClassifierArchitectures.resnet(inputShape: [1, 16, 16], widths: [4, 8], blocksPerStage: 1, classes: 3),
                             inputShape: [1, 16, 16], seed: 1)
        #expect(resnet.outputShape(batch: 2) == [2, 3])
        #expect(resnet.state.parameterNames.contains("4.shortcut.0.weight"))
        #expect(resnet.predict(randomImages([2, 1, 16, 16])).shape == [2, 3])
        for side in [32, 64] {
            for channels in [1, 3] {
                let g = Network(GenerativeArchitectures.dcganGenerator(latent: 10, side: side, channels: channels, width: 4),
                                inputShape: [10], seed: 2)
                #expect(g.outputShape(batch: 2) == [2, channels, side, side])
                let d = Network(GenerativeArchitectures.dcganDiscriminator(side: side, channels: channels, width: 4),
                                inputShape: [channels, side, side], seed: 3)
                #expect(d.outputShape(batch: 2) == [2, 1])
                let image = g.predict(Tensor(zeros: [2, 10]))
                #expect(image.shape == [2, channels, side, side])
                #expect(d.predict(image).shape == [2, 1])
                let decoder = Network(GenerativeArchitectures.vaeDecoder(side: side, channels: channels, width: 4, latent: 6), inputShape: [6], seed: 4)
                #expect(decoder.outputShape(batch: 1) == [1, channels, side, side])
                let encoder = Network(GenerativeArchitectures.vaeEncoder(side: side, channels: channels, width: 4, latent: 6),
                                      inputShape: [channels, side, side], seed: 5)
                #expect(encoder.outputShape(batch: 1) == [1, 12])
            }
        }
        let dae = Network(GenerativeArchitectures.denoisingAutoencoder(inputShape: [1, 16, 12], channels: [4, 8]), inputShape: [1, 16, 12], seed: 6)
        #expect(dae.outputShape(batch: 2) == [2, 1, 16, 12])
        let out = dae.predict(randomImages([2, 1, 16, 12]))
        #expect(out.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test("weights round-trip through safetensors and mismatches are clear errors")
    func weightFiles() throws {
        let architecture = ClassifierArchitectures.cnn(inputShape: [1, 8, 8], channels: [2], batchNorm: true, hidden: [], classes: 3)
        let original = Network(architecture, inputShape: [1, 8, 8], seed: 1, name: "cnn")
        let url = temporaryURL("w.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try original.save(to: url)
        var copy = Network(architecture, inputShape: [1, 8, 8], seed: 99, name: "cnn")
        #expect(copy.state != original.state)
        try copy.load(from: url)
        #expect(copy.state == original.state)

        var other = Network(ClassifierArchitectures.cnn(inputShape: [1, 8, 8], channels: [3], batchNorm: false, hidden: [], classes: 3),
                            inputShape: [1, 8, 8], seed: 1, name: "cnn-small")
        let error = #expect(throws: WeightFileError.self) { try other.load(from: url) }
        #expect(error?.message == "\(url.path): weights do not match architecture 'cnn-small': missing tensors '4.weight', '4.bias'; "
            + "unexpected tensors '1.bias', '1.num_batches_tracked', '1.running_mean', '1.running_var', '1.weight', '5.bias', '5.weight'")
        var wrongShape = original
        var tensors = Dictionary(uniqueKeysWithValues: original.state.namedTensors.map { ($0.name, $0.tensor) })
        tensors["0.weight"] = Tensor(zeros: [2, 1, 5, 5])
        let shapeError = #expect(throws: WeightFileError.self) { try wrongShape.load(tensors, source: "m.safetensors") }
        #expect(shapeError?.message == "m.safetensors: tensor '0.weight' has shape [2, 1, 5, 5], architecture 'cnn' expects [2, 1, 3, 3]")
    }

    @Test("a whole network's gradients match finite differences (batch norm in training mode)")
    func networkGradient() {
        let network = Network(ClassifierArchitectures.cnn(inputShape: [1, 6, 6], channels: [2], batchNorm: true, hidden: [4], classes: 3),
                              inputShape: [1, 6, 6], seed: 3)
        let x = randomImages([4, 1, 6, 6])
        let labels = [0, 1, 2, 1]
        let objective: ([Tensor]) -> Float = { params in
            crossEntropy(logits: network.forward(Var(constant: x), parameters: params.map { Var(constant: $0) }, mode: .training,
                                                 generator: SeededGenerator(seed: 0)).0, labels: labels).value.scalar
        }
        let (_, grads) = valueWithGradient(at: network.state.parameterList) { p in
            crossEntropy(logits: network.forward(Var(constant: x), parameters: p, mode: .training, generator: SeededGenerator(seed: 0)).0, labels: labels)
        }
        var generator = SeededGenerator(seed: 5)
        let params = network.state.parameterList
        for i in params.indices {
            let direction = Tensor.normal(params[i].shape, generator: &generator)
            var plus = params, minus = params
            plus[i] = params[i] + direction * 1e-3
            minus[i] = params[i] - direction * 1e-3
            let numeric = (objective(plus) - objective(minus)) / 2e-3
            let analytic = (grads[i] * direction).sum()
            #expect(abs(numeric - analytic) <= 2e-2 * max(1, abs(analytic)), "parameter \(network.state.parameterNames[i]): \(analytic) vs \(numeric)")
        }
    }

    @Test("training separates two easy classes and records epochs")
    func training() throws {
        var generator = SeededGenerator(seed: 1)
        // Class 0: bright left half; class 1: bright right half; plus noise.
        var images: [Float] = [], labels: [Int] = []
        for n in 0..<40 {
            let label = n % 2
            for _ in 0..<1 { for _ in 0..<8 { for col in 0..<8 {
                images.append((col < 4) == (label == 0) ? 0.8 : 0.2 + 0.1 * generator.nextUniform())
            } } }
            labels.append(label)
        }
        let x = Tensor(shape: [40, 1, 8, 8], scalars: images)
        var network = Network(ClassifierArchitectures.mlp(inputShape: [1, 8, 8], hidden: [8], classes: 2), inputShape: [1, 8, 8], seed: 2)
        var settings = TrainingSettings()
        settings.epochs = 15
        settings.batchSize = 8
        settings.validationFraction = 0.2
        settings.optimizer = .adam(learningRate: 0.01)
        var seen: [Int] = []
        let reports = try ClassifierTrainer(settings: settings).train(&network, images: x, labels: labels, progress: { seen.append($0.epoch) })
        #expect(seen == Array(1...15))
        #expect(reports.last!.validationAccuracy == 1)
        #expect(reports.last!.trainLoss < reports.first!.trainLoss)
    }

    @Test("a diverging run stops with a numerical fault naming the step")
    func divergence() {
        var network = Network(ClassifierArchitectures.softmaxRegression(inputShape: [2], classes: 2), inputShape: [2], seed: 1, name: "softmax")
        var settings = TrainingSettings()
        settings.optimizer = .sgd(learningRate: 1e30)
        settings.epochs = 5
        settings.batchSize = 2
        let x = Tensor(shape: [2, 2], scalars: [1e10, -1e10, -1e10, 1e10])
        let fault = #expect(throws: NumericalFault.self) { try ClassifierTrainer(settings: settings).train(&network, images: x, labels: [0, 1]) }
        #expect(fault?.description.hasPrefix("training softmax: loss is not finite (NaN or infinity) at step ") == true)
    }
}

func randomImages(_ shape: [Int], seed: UInt64 = 11) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    return Tensor.uniform(shape, generator: &generator)
}
