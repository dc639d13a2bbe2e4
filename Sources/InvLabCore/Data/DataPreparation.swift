import Foundation
import InvLabSpec
import InvLabTensor

/// A dataset that cannot be split as the spec asks.
public struct DataError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Loads the datasets of a plan and applies the literature's splits:
///
/// 1. identity-disjoint public/private: `public_identities` identities of the source, chosen by
///    the seed, form the public set (unless `public_source` provides it), and never appear among
///    the private identities;
/// 2. per-identity train/test on the private identities: `train_per_identity` images of each
///    person (chosen by the seed) train the models, the rest (or `test_per_identity`) test them.
public enum DataPreparation {
    /// The data of `loaded`'s first trial, for the commands that read only the data (`invlab data
    /// preview|export`): its plugins are built with only the data's input files checked, so a model
    /// file named by the spec need not exist yet.
    public static func prepareFirstTrial(_ loaded: LoadedSpec, registries: Registries, environment: RunEnvironment) throws -> ExperimentData {
        let plan = try ExperimentPlan.build(try loaded.spec(of: loaded.trials[0]), specDirectory: loaded.specDirectory,
                                            registries: registries, inputs: .data)
        return try prepare(plan, environment: environment)
    }

    public static func prepare(_ plan: ExperimentPlan, environment: RunEnvironment) throws -> ExperimentData {
        let section = plan.spec.data
        let source = try plan.dataset.load(environment)
        guard source.count > 0 else { throw DataError("dataset '\(section.source.id)' holds no images") }
        let shape = targetShape(source.imageShape, section.image)
        var generator = SeededGenerator(seed: UInt64(plan.spec.seed)).fork("data split")

        var identities = Array(0..<source.classNames.count).filter { !source.indices(ofClass: $0).isEmpty }
        identities.seededShuffle(using: &generator)
        var publicIDs: [Int] = []
        if plan.publicDataset == nil && section.publicIdentities > 0 {
            guard section.publicIdentities < identities.count - 1 else {
                throw DataError("public_identities is \(section.publicIdentities), but '\(section.source.id)' has only \(identities.count) identities; at least 2 must stay private")
            }
            publicIDs = Array(identities.prefix(section.publicIdentities))
            identities.removeFirst(section.publicIdentities)
        }
        if let limit = section.privateIdentities {
            guard limit <= identities.count else {
                throw DataError("private_identities is \(limit), but only \(identities.count) identities are available for the private set")
            }
            identities = Array(identities.prefix(limit))
        }
        let privateIDs = identities.sorted()
        publicIDs.sort()

        var trainRows: [Int] = [], trainLabels: [Int] = [], testRows: [Int] = [], testLabels: [Int] = []
        for (label, identity) in privateIDs.enumerated() {
            var rows = source.indices(ofClass: identity)
            let needed = section.trainPerIdentity + 1
            guard rows.count >= needed else {
                throw DataError("identity '\(source.classNames[identity])' has \(rows.count) images; train_per_identity \(section.trainPerIdentity) needs at least \(needed) (one left for testing)")
            }
            rows.seededShuffle(using: &generator)
            let train = rows.prefix(section.trainPerIdentity)
            var test = rows.dropFirst(section.trainPerIdentity)
            if let limit = section.testPerIdentity { test = test.prefix(limit) }
            trainRows += train.sorted(); trainLabels += Array(repeating: label, count: train.count)
            testRows += test.sorted(); testLabels += Array(repeating: label, count: test.count)
        }
        let convert = { (rows: [Int], set: FaceDataset) -> Tensor in
            ImageConversion.convert(set.images.gathering(rows: rows), channels: shape[0], height: shape[1], width: shape[2])
        }

        var publicSet = LabeledSet(images: Tensor(zeros: [0] + shape), labels: [])
        var publicNames: [String] = []
        var publicSource = "held out of \(source.source)"
        if let publicDataset = plan.publicDataset {
            let other = try publicDataset.load(environment)
            publicSet = LabeledSet(images: convert(Array(0..<other.count), other), labels: other.labels)
            publicNames = other.classNames
            publicSource = other.source
        } else if !publicIDs.isEmpty {
            let rows = source.labels.indices.filter { publicIDs.contains(source.labels[$0]) }
            publicSet = LabeledSet(images: convert(rows, source), labels: rows.map { publicIDs.firstIndex(of: source.labels[$0])! })
            publicNames = publicIDs.map { source.classNames[$0] }
        }
        let description: [String: String] = [
            "source": source.source,
            "synthetic": source.isSynthetic ? "yes (procedurally drawn, not real people)" : "no",
            "image_shape": shape.map(String.init).joined(separator: "x"),
            "private_identities": privateIDs.map { source.classNames[$0] }.joined(separator: ","),
            "public_identities": publicNames.joined(separator: ","),
            "public_source": publicSet.count > 0 ? publicSource : "none",
            "train_per_identity": String(section.trainPerIdentity),
            "train_images": String(trainRows.count),
            "test_images": String(testRows.count),
            "public_images": String(publicSet.count),
            "seed": String(plan.spec.seed),
        ]
        return ExperimentData(imageShape: shape, classNames: privateIDs.map { source.classNames[$0] },
                              privateTrain: LabeledSet(images: convert(trainRows, source), labels: trainLabels),
                              privateTest: LabeledSet(images: convert(testRows, source), labels: testLabels),
                              publicSet: publicSet, publicClassNames: publicNames, source: source.source,
                              isSynthetic: source.isSynthetic, splitDescription: description)
    }

    /// The (C, H, W) the spec asks for, defaulting to the source's.
    static func targetShape(_ native: [Int], _ image: ImageSizeConfig) -> [Int] {
        [image.channels ?? native[0], image.height ?? native[1], image.width ?? native[2]]
    }

    /// Text identifying the data a trial uses (for model cache keys).
    public static func fingerprint(_ spec: ExperimentSpec) -> String {
        "data:" + emitFlowYAML(spec.data.specNode) + " seed:\(spec.seed)"
    }
}
