import Foundation
import InvLabDatasets
import InvLabTensor
import Testing

@Suite("Seeded data set splits")
struct SplitTests {
    /// ORL-shaped labels: 40 identities x 10 images.
    let labels = (0..<40).flatMap { [Int](repeating: $0, count: 10) }

    @Test("SplitMix64 reference values and unbiased bounded draws")
    func generator() {
        var generator = SplitMix64Generator(seed: 1_234_567)
        // Reference outputs of SplitMix64 for seed 1234567.
        #expect(generator.next() == 6_457_827_717_110_365_317)
        #expect(generator.next() == 3_203_168_211_198_807_973)
        var draws = SplitMix64Generator(seed: 9)
        let values = (0..<1000).map { _ in draws.uniform(below: 7) }
        #expect(values.allSatisfy { (0..<7).contains($0) } && Set(values).count == 7)
    }

    @Test("7/3 per identity: every identity in both parts, deterministic under the seed")
    func perIdentity() throws {
        let split = try DatasetSplits.perIdentity(labels: labels, trainPerIdentity: 7, seed: 42)
        #expect(split.train.count == 280 && split.test.count == 120)
        #expect(Set(split.train).isDisjoint(with: split.test))
        for identity in 0..<40 {
            #expect(split.train.filter { labels[$0] == identity }.count == 7)
            #expect(split.test.filter { labels[$0] == identity }.count == 3)
        }
        #expect(try DatasetSplits.perIdentity(labels: labels, trainPerIdentity: 7, seed: 42) == split)
        #expect(try DatasetSplits.perIdentity(labels: labels, trainPerIdentity: 7, seed: 43).train != split.train)
        #expect(split.record.summary == "per identity: 7 train / rest test (280 / 120 images), seed 42")
        #expect(split.record.parameters == ["train_per_identity": 7])
        expectDatasetError("identity 0 has 10 images, fewer than the 10 for training plus 1 for test") {
            _ = try DatasetSplits.perIdentity(labels: labels, trainPerIdentity: 10, seed: 1)
        }
    }

    @Test("30 private / 10 public identities never overlap; same seed, same split")
    func identityDisjoint() throws {
        let split = try DatasetSplits.identityDisjoint(labels: labels, privateIdentities: 30, publicIdentities: 10, seed: 7)
        #expect(split.privateIdentities.count == 30 && split.publicIdentities.count == 10)
        #expect(Set(split.privateIdentities).isDisjoint(with: split.publicIdentities))
        #expect(Set(split.privateIndices.map { labels[$0] }) == Set(split.privateIdentities))
        #expect(Set(split.publicIndices.map { labels[$0] }) == Set(split.publicIdentities))
        #expect(split.privateIndices.count == 300 && split.publicIndices.count == 100)
        #expect(try DatasetSplits.identityDisjoint(labels: labels, privateIdentities: 30, seed: 7) == split)
        let other = try DatasetSplits.identityDisjoint(labels: labels, privateIdentities: 30, seed: 8)
        #expect(other.publicIdentities != split.publicIdentities)
        #expect(split.record.identities["public"] == split.publicIdentities)
        #expect(split.record.kind == "identity_disjoint")
        expectDatasetError("cannot take 35 private and 10 public identities from 40 (each part needs at least one, "
            + "and together at most 40)") {
            _ = try DatasetSplits.identityDisjoint(labels: labels, privateIdentities: 35, publicIdentities: 10, seed: 7)
        }
    }

    @Test("split records encode to JSON for run.json; subsets follow the indices")
    func recordsAndSubsets() throws {
        let split = try DatasetSplits.perIdentity(labels: [0, 0, 1, 1, 1], trainPerIdentity: 1, testPerIdentity: 1, seed: 3)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(split.record), as: UTF8.self)
        #expect(json.hasPrefix(#"{"counts":{"test":2,"train":2},"identities":{},"kind":"per_identity","#))
        #expect(try JSONDecoder().decode(SplitRecord.self, from: Data(json.utf8)) == split.record)

        let set = try LabeledImages(images: Tensor(shape: [5, 1, 1, 1], scalars: [0, 0.25, 0.5, 0.75, 1]),
                                    labels: [0, 0, 1, 1, 1], classNames: ["a", "b"], source: "five pixels")
        let train = try set.subset(split.train)
        #expect(train.labels == [0, 1] && train.images.shape == [2, 1, 1, 1])
        #expect(train.images.scalars == split.train.map { Float($0) / 4 })
        expectDatasetError("five pixels: index 9 is outside 0..<5") { _ = try set.subset([9]) }
        expectDatasetError("five pixels: label 2 is outside 0..<2 (the number of class names)") {
            _ = try LabeledImages(images: Tensor(shape: [1, 1, 1, 1], scalars: [0]), labels: [2], classNames: ["a", "b"],
                                  source: "five pixels")
        }
    }
}
