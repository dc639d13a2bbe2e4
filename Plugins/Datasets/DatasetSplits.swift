/// What a split did, in a form to store in `run.json` (Codable, stable field names).
public struct SplitRecord: Codable, Sendable, Equatable {
    /// `per_identity` or `identity_disjoint`.
    public var kind: String
    public var seed: UInt64
    /// The split's parameters, e.g. `train_per_identity: 7`.
    public var parameters: [String: Int]
    /// Sizes of the parts, e.g. `train: 280, test: 120`.
    public var counts: [String: Int]
    /// Identity lists where the split is by identity (`private`, `public`); empty otherwise.
    public var identities: [String: [Int]]
    /// One line for logs.
    public var summary: String
}

/// A per-identity partition: every identity appears in both parts (closed-set recognition).
public struct TrainTestSplit: Sendable, Equatable {
    /// Indices of training images, ascending.
    public var train: [Int]
    /// Indices of test images, ascending.
    public var test: [Int]
    public var record: SplitRecord
}

/// An identity-disjoint partition: the attacked model's private identities and the attacker's
/// public identities share no person (the model-inversion setting of GMI, KED-MI, PLG-MI).
public struct IdentitySplit: Sendable, Equatable {
    /// Private identities (labels), ascending.
    public var privateIdentities: [Int]
    /// Public identities (labels), ascending.
    public var publicIdentities: [Int]
    /// Indices of all images of private identities, ascending.
    public var privateIndices: [Int]
    /// Indices of all images of public identities, ascending.
    public var publicIndices: [Int]
    public var record: SplitRecord
}

/// Deterministic data set splits as the model-inversion literature uses them. The same labels
/// and seed give the same split on every machine (`SplitMix64Generator`).
public enum DatasetSplits {
    /// Per identity, `trainPerIdentity` random images go to training and the rest (or the next
    /// `testPerIdentity`) to test, e.g. ORL 7/3 per person. Identities are visited in ascending
    /// label order, each shuffled with one generator stream seeded by `seed`.
    public static func perIdentity(labels: [Int], trainPerIdentity: Int, testPerIdentity: Int? = nil,
                                   seed: UInt64) throws -> TrainTestSplit {
        guard trainPerIdentity >= 1 else { throw DatasetError("trainPerIdentity must be at least 1, got \(trainPerIdentity)") }
        if let testPerIdentity, testPerIdentity < 1 {
            throw DatasetError("testPerIdentity must be at least 1, got \(testPerIdentity)")
        }
        var generator = SplitMix64Generator(seed: seed)
        var train: [Int] = []
        var test: [Int] = []
        for (identity, indices) in groupedByIdentity(labels) {
            let needed = trainPerIdentity + (testPerIdentity ?? 1)
            guard indices.count >= needed else {
                throw DatasetError("identity \(identity) has \(indices.count) images, fewer than the \(trainPerIdentity) "
                    + "for training plus \(testPerIdentity ?? 1) for test")
            }
            let order = generator.shuffled(indices)
            train += order.prefix(trainPerIdentity)
            let rest = order.dropFirst(trainPerIdentity)
            test += testPerIdentity.map { Array(rest.prefix($0)) } ?? Array(rest)
        }
        train.sort()
        test.sort()
        var parameters = ["train_per_identity": trainPerIdentity]
        if let testPerIdentity { parameters["test_per_identity"] = testPerIdentity }
        let record = SplitRecord(
            kind: "per_identity", seed: seed, parameters: parameters,
            counts: ["train": train.count, "test": test.count], identities: [:],
            summary: "per identity: \(trainPerIdentity) train / \(testPerIdentity.map(String.init) ?? "rest") test "
                + "(\(train.count) / \(test.count) images), seed \(seed)")
        return TrainTestSplit(train: train, test: test, record: record)
    }

    /// `privateIdentities` randomly chosen identities are private, the next `publicIdentities`
    /// (default: all others) public, e.g. ORL 30 private / 10 public.
    public static func identityDisjoint(labels: [Int], privateIdentities: Int, publicIdentities: Int? = nil,
                                        seed: UInt64) throws -> IdentitySplit {
        let groups = groupedByIdentity(labels)
        let available = groups.count
        let publicCount = publicIdentities ?? (available - privateIdentities)
        guard privateIdentities >= 1, publicCount >= 1, privateIdentities + publicCount <= available else {
            throw DatasetError("cannot take \(privateIdentities) private and \(publicCount) public identities "
                + "from \(available) (each part needs at least one, and together at most \(available))")
        }
        var generator = SplitMix64Generator(seed: seed)
        let order = generator.shuffled(groups.map(\.identity))
        let privateSet = Array(order.prefix(privateIdentities)).sorted()
        let publicSet = Array(order.dropFirst(privateIdentities).prefix(publicCount)).sorted()
        let lookup = Dictionary(uniqueKeysWithValues: groups.map { ($0.identity, $0.indices) })
        let privateIndices = privateSet.flatMap { lookup[$0] ?? [] }.sorted()
        let publicIndices = publicSet.flatMap { lookup[$0] ?? [] }.sorted()
        let record = SplitRecord(
            kind: "identity_disjoint", seed: seed,
            parameters: ["private_identities": privateIdentities, "public_identities": publicCount],
            counts: ["private": privateIndices.count, "public": publicIndices.count],
            identities: ["private": privateSet, "public": publicSet],
            summary: "identity-disjoint: \(privateIdentities) private / \(publicCount) public identities "
                + "(\(privateIndices.count) / \(publicIndices.count) images), seed \(seed)")
        return IdentitySplit(privateIdentities: privateSet, publicIdentities: publicSet,
                             privateIndices: privateIndices, publicIndices: publicIndices, record: record)
    }

    /// Image indices per identity, identities ascending, indices ascending.
    static func groupedByIdentity(_ labels: [Int]) -> [(identity: Int, indices: [Int])] {
        var groups: [Int: [Int]] = [:]
        for (index, label) in labels.enumerated() { groups[label, default: []].append(index) }
        return groups.keys.sorted().map { ($0, groups[$0] ?? []) }
    }
}
