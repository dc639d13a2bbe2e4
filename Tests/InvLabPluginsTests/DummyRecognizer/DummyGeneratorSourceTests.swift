import Foundation
import InvLabCore
import InvLabDummyRecognizer
import InvLabTensor
import Testing

/// Synthetic people drawn from a generator plugin fitted on the public split.
@Suite("dummy_recognizer: generator sources")
struct DummyGeneratorSourceTests {
    let registries: Registries
    /// Private faces all 0.9, public faces all 0.2: what the generator was fitted on shows.
    let data = DefenseTestKit.data(train: LabeledSet(images: Tensor(repeating: 0.9, shape: [6, 1, 8, 8]), labels: [0, 0, 1, 1, 2, 2]),
                                   publicSet: LabeledSet(images: Tensor(repeating: 0.2, shape: [5, 1, 8, 8]), labels: [0, 1, 2, 3, 4]),
                                   classes: 3)
    let f = NetworkModel(DefenseTestKit.linearNetwork(inputShape: [1, 8, 8], classes: 3, seed: 1))

    init() throws {
        registries = try DummyRecognizerTestKit.registriesWithGenerator()
    }

    func decoys(_ options: String, data: ExperimentData? = nil) throws -> [Tensor] {
        let defense = try DummyRecognizerTestKit.defense("""
            {type: dummy_recognizer, source: {type: test_pattern_generator}, \(options),
             recognizer: {type: mlp, hidden: [4], train: {epochs: 1}}}
            """, registries: registries)
        let model = try defense.wrap(f, resources: DefenseTestKit.resources(data ?? self.data, registries: registries))
        return try #require(model.attachment(DecoyImages.self)).images
    }

    @Test("one latent anchor per class; latent_variation 0 repeats the anchor, > 0 varies around it")
    func anchorsAndVariations() throws {
        let still = try decoys("images_per_identity: 3, latent_variation: 0")
        #expect(still.count == 3)
        for images in still {
            #expect(images.shape == [3, 1, 8, 8])
            #expect(images.slice(alongAxis: 0, 0..<1) == images.slice(alongAxis: 0, 2..<3))
        }
        #expect(still[0] != still[1] && still[1] != still[2])

        let varied = try decoys("images_per_identity: 3, latent_variation: 0.5")
        for (k, images) in varied.enumerated() {
            // Image 0 is the anchor itself, the same as without variation; the others differ.
            #expect(images.slice(alongAxis: 0, 0..<1) == still[k].slice(alongAxis: 0, 0..<1))
            #expect(images.slice(alongAxis: 0, 1..<2) != images.slice(alongAxis: 0, 0..<1))
        }
    }

    @Test("the generator is fitted on the public faces, never the private ones")
    func fittedOnPublicFaces() throws {
        let images = Tensor.concatenate(try decoys("images_per_identity: 4"), alongAxis: 0)
        #expect(abs(images.mean() - 0.2) < 0.15)
    }

    @Test("synthetic people that f' cannot tell apart are reported in the log")
    func indistinguishableIdentitiesWarn() throws {
        /// @unchecked Sendable: `text` is written only by the reporter's `write` closure, which
        /// `ProgressReporter` calls under its lock, and read after the run has returned.
        final class Lines: @unchecked Sendable { var text = "" }
        let lines = Lines()
        let environment = RunEnvironment(cache: ModelCache(directory: nil), progress: ProgressReporter(style: .lines) { lines.text += $0 },
                                         dataDirectory: URL(fileURLWithPath: "/tmp"))
        // contrast 0: every latent draws the public mean face, so every synthetic person is the same.
        let defense = try DummyRecognizerTestKit.defense("""
            {type: dummy_recognizer, source: {type: test_pattern_generator, contrast: 0}, images_per_identity: 3,
             recognizer: {type: mlp, hidden: [4], train: {epochs: 5}}}
            """, registries: registries)
        _ = try defense.wrap(f, resources: DefenseTestKit.resources(data, registries: registries, environment: environment))
        #expect(lines.text.contains("dummy_recognizer: warning: f' recognises only"))
        #expect(lines.text.contains("g plants no decoys"))
    }

    @Test("a generator source without a public split is a clear error")
    func needsPublicFaces() throws {
        let noPublic = DefenseTestKit.data(train: data.privateTrain, classes: 3)
        #expect {
            _ = try decoys("real_negatives: none", data: noPublic)
        } throws: {
            "\($0)" == "dummy_recognizer: source 'test_pattern_generator' is a generator, fitted on the public faces, but the data has no public set (set data.public_identities or data.public_source)"
        }
    }
}
