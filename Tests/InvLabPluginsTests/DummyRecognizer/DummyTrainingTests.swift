import Foundation
import InvLabCore
import InvLabDatasets
import InvLabDummyRecognizer
import InvLabNN
import InvLabTensor
import Testing

/// Wrapping a model with `dummy_recognizer`: the synthetic identities, the training of f', its
/// caching across lambda, and the end-to-end claim that g keeps f's accuracy on real faces.
@Suite("dummy_recognizer: synthetic identities, f' training, caching")
struct DummyTrainingTests {
    let registries: Registries
    let data = DummyRecognizerTestKit.data()
    let f = DummyRecognizerTestKit.handMadeRecognizer()

    init() throws {
        registries = try DefenseTestKit.registries()
    }

    func wrap(_ yaml: String, environment: RunEnvironment = .ephemeral()) throws -> DummyRecognizerModel {
        let defense = try DummyRecognizerTestKit.defense(yaml, registries: registries)
        let model = try defense.wrap(f, resources: DefenseTestKit.resources(data, registries: registries, environment: environment))
        return try #require(model as? DummyRecognizerModel)
    }

    @Test("the decoys are one synthetic identity per class: synthetic_faces identities 500000 + k at the data's size")
    func decoysAreSyntheticIdentities() throws {
        let model = try wrap("""
            {type: dummy_recognizer, images_per_identity: 4, real_negatives: none,
             recognizer: {type: mlp, hidden: [4], train: {epochs: 1}}}
            """)
        let expected = SyntheticFaces(identities: 3, imagesPerIdentity: 4, height: 16, width: 16, channels: 1,
                                      seed: DefenseTestKit.seed, identityOffset: 500_000).generate()
        let decoys = try #require(model.attachment(DecoyImages.self))
        #expect(decoys.images.count == 3)
        for k in 0..<3 {
            #expect(decoys.images[k] == expected.images.slice(alongAxis: 0, (4 * k)..<(4 * k + 4)))
        }
        #expect(decoys.images[0] != decoys.images[1])
    }

    @Test("f' trained on a tiny synthetic set recognises its synthetic identities")
    func dummyRecognisesItsIdentities() throws {
        let model = try wrap("{type: dummy_recognizer, images_per_identity: 6, recognizer: \(DummyRecognizerTestKit.recognizer)}")
        let decoys = try #require(model.attachment(DecoyImages.self))
        let images = Tensor.concatenate(decoys.images, alongAxis: 0)
        let labels = decoys.images.enumerated().flatMap { Array(repeating: $0.offset, count: $0.element.shape[0]) }
        let predicted = model.dummyProbabilities(images).argmaxRows()
        let accuracy = Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
        #expect(accuracy >= 0.9)
        #expect(DummyRecognizerTestKit.meanTopOutput(model, on: images) > 0.7)
    }

    @Test("with f' low on real faces g keeps f's accuracy at lambda 0.25; trained on synthetic faces alone, f' takes over")
    func accuracyKept() throws {
        // Eight private people and 40 public ones, all "real" faces from one distribution.
        let data = DummyRecognizerTestKit.data(classes: 8, publicPeople: 40)
        let f = DummyRecognizerTestKit.handMadeRecognizer(classes: 8)
        let environment = RunEnvironment.ephemeral()
        func wrap(_ options: String) throws -> DummyRecognizerModel {
            let defense = try DummyRecognizerTestKit.defense("{type: dummy_recognizer, images_per_identity: 6, \(options), recognizer: \(DummyRecognizerTestKit.recognizer)}",
                                                             registries: registries)
            return try #require(try defense.wrap(f, resources: DefenseTestKit.resources(data, registries: registries, environment: environment))
                as? DummyRecognizerModel)
        }
        let fAccuracy = f.accuracy(on: data.privateTest)
        #expect(fAccuracy == 1)

        let defended = try wrap("lambda: 0.25, real_negatives: public")
        let dummyOnReal = DummyRecognizerTestKit.meanTopOutput(defended, on: data.privateTest.images)
        #expect(dummyOnReal < 0.4, "f' should stay near uniform (1/8) on real faces, got \(dummyOnReal)")
        #expect(defended.accuracy(on: data.privateTest) == fAccuracy)

        // The extended version's warning: a dummy trained on synthetic faces alone stays confident on
        // real faces and overrides f.
        let synthesisOnly = try wrap("lambda: 0.25, real_negatives: none")
        #expect(DummyRecognizerTestKit.meanTopOutput(synthesisOnly, on: data.privateTest.images) > dummyOnReal + 0.2)
        #expect(synthesisOnly.accuracy(on: data.privateTest) < 0.5)

        // lambda 0 publishes f' alone (the same cached f'): real faces are no longer recognised.
        let dummyOnly = try wrap("lambda: 0, real_negatives: public")
        #expect(dummyOnly.dummy.state == defended.dummy.state)
        #expect(dummyOnly.accuracy(on: data.privateTest) < 0.5)
    }

    @Test("real_negatives: private_train pushes f' to uniform on the defender's own training faces, without a public split")
    func privateNegatives() throws {
        let full = DummyRecognizerTestKit.data(classes: 8, publicPeople: 0)
        #expect(full.publicSet.count == 0)
        let f = DummyRecognizerTestKit.handMadeRecognizer(classes: 8)
        let environment = RunEnvironment.ephemeral()
        func wrap(_ negatives: String) throws -> DummyRecognizerModel {
            let defense = try DummyRecognizerTestKit.defense(
                "{type: dummy_recognizer, images_per_identity: 6, real_negatives: \(negatives), recognizer: \(DummyRecognizerTestKit.recognizer)}",
                registries: registries)
            return try #require(try defense.wrap(f, resources: DefenseTestKit.resources(full, registries: registries, environment: environment))
                as? DummyRecognizerModel)
        }
        let defended = try wrap("private_train"), alone = try wrap("none")
        // The test faces are other images of the same people than the training faces.
        #expect(DummyRecognizerTestKit.meanTopOutput(defended, on: full.privateTest.images) < 0.3)
        #expect(DummyRecognizerTestKit.meanTopOutput(alone, on: full.privateTest.images) > 0.5)
        #expect(defended.accuracy(on: full.privateTest) == 1)
        #expect(defended.dummy.state != alone.dummy.state)
    }

    @Test("the cache key of f' does not depend on lambda; f' is trained once for a lambda sweep")
    func cachedAcrossLambda() throws {
        let resources = DefenseTestKit.resources(data, registries: registries)
        func key(_ options: String) throws -> String {
            try DummyRecognizerTestKit.defense("{type: dummy_recognizer, \(options)}", registries: registries)
                .dummyCacheKey(classes: 3, imageShape: DummyRecognizerTestKit.shape, resources: resources)
        }
        #expect(try key("lambda: 0.1") == key("lambda: 0.4"))
        #expect(try key("lambda: 0.1") == key("lambda: 1"))
        #expect(try key("lambda: 0.1") != key("lambda: 0.1, real_negative_weight: 2"))
        #expect(try key("lambda: 0.1") != key("lambda: 0.1, real_negatives: private_train"))
        #expect(try key("lambda: 0.1") != key("lambda: 0.1, images_per_identity: 3"))
        #expect(try key("lambda: 0.1") != key("lambda: 0.1, recognizer: {type: mlp}"))

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("invlab-dummy-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = RunEnvironment(cache: ModelCache(directory: directory), progress: ProgressReporter(style: .quiet),
                                         dataDirectory: directory)
        // Cache entries (each also has its `<key>.lock` file beside it).
        func files() -> Int {
            ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".safetensors") }.count
        }
        let options = "images_per_identity: 2, recognizer: {type: mlp, hidden: [4], train: {epochs: 2}}"
        let first = try wrap("{type: dummy_recognizer, lambda: 0.1, \(options)}", environment: environment)
        #expect(files() == 2, "the synthetic identities and f'")
        let second = try wrap("{type: dummy_recognizer, lambda: 0.4, \(options)}", environment: environment)
        #expect(files() == 2)
        #expect(first.dummy.state == second.dummy.state)
        #expect(first.lambda == 0.1 && second.lambda == 0.4)
        // A fresh process (empty memory cache) loads f' from disk rather than training again.
        let reloaded = RunEnvironment(cache: ModelCache(directory: directory), progress: ProgressReporter(style: .quiet), dataDirectory: directory)
        #expect(try wrap("{type: dummy_recognizer, lambda: 0.3, \(options)}", environment: reloaded).dummy.state == first.dummy.state)
        // Another f' reuses the synthetic identities.
        _ = try wrap("{type: dummy_recognizer, lambda: 0.1, images_per_identity: 2, recognizer: {type: mlp, hidden: [5], train: {epochs: 2}}}",
                     environment: environment)
        #expect(files() == 3)
    }

    @Test("run-time problems are clear messages")
    func runTimeErrors() throws {
        let noPublic = DefenseTestKit.data(train: data.privateTrain, classes: 3)
        let defense = try DummyRecognizerTestKit.defense("{type: dummy_recognizer, recognizer: {type: mlp, train: {epochs: 1}}}", registries: registries)
        #expect {
            _ = try defense.wrap(f, resources: DefenseTestKit.resources(noPublic, registries: registries))
        } throws: {
            "\($0)" == "dummy_recognizer: real_negatives: public needs real public faces, but the data has no public set (set data.public_identities or data.public_source, or real_negatives: private_train or none)"
        }
        let tooFew = try DummyRecognizerTestKit.defense("{type: dummy_recognizer, source: {type: synthetic_faces, identities: 2}}", registries: registries)
        #expect {
            _ = try tooFew.wrap(f, resources: DefenseTestKit.resources(data, registries: registries))
        } throws: {
            "\($0)" == "dummy_recognizer: source 'synthetic_faces' provides 2 identities with images, but the protected model has 3 classes (one synthetic identity per class is needed)"
        }
    }
}
