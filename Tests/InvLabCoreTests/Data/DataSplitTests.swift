import Foundation
import InvLabBuiltins
import InvLabCore
import Testing

/// The literature's splits as `DataPreparation` makes them from a spec: identity-disjoint
/// public/private identities, then per-identity train/test, all chosen by the seed.
@Suite("Data splits")
struct DataSplitTests {
    static func spec(seed: Int = 3, publicIdentities: Int = 4, trainPerIdentity: Int = 7) -> String {
        """
        version: 1
        name: split
        seed: \(seed)
        data:
          source: {type: synthetic_faces, identities: 12, images_per_identity: 10, height: 8, width: 8}
          train_per_identity: \(trainPerIdentity)
          public_identities: \(publicIdentities)
        target: {type: softmax_regression}
        allow_target_as_evaluator: true
        attack: {type: gradient, iterations: 1}
        """
    }

    static func prepare(_ text: String) throws -> ExperimentData {
        let fixture = try SpecFixture(files: ["spec.yaml": text])
        defer { fixture.remove() }
        let loaded = try fixture.load()
        let plan = try ExperimentPlan.build(loaded.spec(of: loaded.trials[0]), specDirectory: fixture.directory,
                                            registries: try Builtins.registries())
        return try DataPreparation.prepare(plan, environment: .ephemeral())
    }

    @Test("public and private identities never overlap; every private identity has 7 training and 3 test faces")
    func disjointAndPerIdentity() throws {
        let data = try Self.prepare(Self.spec())
        #expect(data.classNames.count == 8 && data.publicClassNames.count == 4)
        #expect(Set(data.classNames).isDisjoint(with: data.publicClassNames))
        for label in 0..<8 {
            #expect(data.privateTrain.labels.filter { $0 == label }.count == 7)
            #expect(data.privateTest.labels.filter { $0 == label }.count == 3)
        }
        #expect(data.publicSet.count == 40)
        // No training face is also a test face.
        let train = Set((0..<data.privateTrain.count).map { data.privateTrain.images.gathering(rows: [$0]).scalars })
        #expect((0..<data.privateTest.count).allSatisfy { !train.contains(data.privateTest.images.gathering(rows: [$0]).scalars) })
    }

    @Test("the same seed gives the same split; another seed another")
    func deterministic() throws {
        let first = try Self.prepare(Self.spec(seed: 3)), again = try Self.prepare(Self.spec(seed: 3))
        #expect(first.classNames == again.classNames && first.privateTrain.images.scalars == again.privateTrain.images.scalars)
        let other = try Self.prepare(Self.spec(seed: 4))
        #expect(other.classNames != first.classNames || other.privateTrain.images.scalars != first.privateTrain.images.scalars)
    }

    @Test("impossible splits are errors that say why")
    func errors() throws {
        #expect(throws: DataError.self) { _ = try Self.prepare(Self.spec(publicIdentities: 11)) }
        do {
            _ = try Self.prepare(Self.spec(trainPerIdentity: 10))
            Issue.record("a split without test faces was accepted")
        } catch let error as DataError {
            #expect(error.message.hasSuffix("has 10 images; train_per_identity 10 needs at least 11 (one left for testing)"))
        }
    }
}
