import Foundation
import InvLabTensor

/// Labelled images as a dataset plugin returns them: `N x C x H x W` in [0, 1] at the source's
/// native size, labels `0..<classNames.count`.
public struct FaceDataset: Sendable {
    public var images: Tensor
    public var labels: [Int]
    public var classNames: [String]
    /// Where the images came from (printed in run.json and reports).
    public var source: String
    /// True for procedurally drawn or generated faces: they are never presented as real people.
    public var isSynthetic: Bool

    public init(images: Tensor, labels: [Int], classNames: [String], source: String, isSynthetic: Bool) {
        self.images = images
        self.labels = labels
        self.classNames = classNames
        self.source = source
        self.isSynthetic = isSynthetic
    }

    public var count: Int { labels.count }
    /// Shape of one image (C, H, W).
    public var imageShape: [Int] { Array(images.shape.dropFirst()) }

    /// Indices of the images of one class.
    public func indices(ofClass label: Int) -> [Int] { labels.indices.filter { labels[$0] == label } }
}

/// A set of labelled images with labels `0..<classes`.
public struct LabeledSet: Sendable {
    public var images: Tensor
    public var labels: [Int]

    public init(images: Tensor, labels: [Int]) {
        self.images = images
        self.labels = labels
    }

    public var count: Int { labels.count }

    /// The images of one class (`n x C x H x W`).
    public func images(ofClass label: Int) -> Tensor {
        images.gathering(rows: labels.indices.filter { labels[$0] == label })
    }
}

/// The data of an experiment after the literature's splits.
///
/// Private identities are the classes of the attacked model (their faces are what an attack
/// tries to reveal); public identities are disjoint from them and train the attacker's priors
/// and the defender's generators.
public struct ExperimentData: Sendable {
    /// Shape of one image (C, H, W) after the spec's conversion.
    public var imageShape: [Int]
    /// Names of the private identities; class `k` of every model is `classNames[k]`.
    public var classNames: [String]
    public var privateTrain: LabeledSet
    public var privateTest: LabeledSet
    /// Public images (labels index `publicClassNames`); may be empty.
    public var publicSet: LabeledSet
    public var publicClassNames: [String]
    public var source: String
    public var isSynthetic: Bool
    /// How the split was made (recorded in run.json).
    public var splitDescription: [String: String]

    public init(imageShape: [Int], classNames: [String], privateTrain: LabeledSet, privateTest: LabeledSet,
                publicSet: LabeledSet, publicClassNames: [String], source: String, isSynthetic: Bool,
                splitDescription: [String: String]) {
        self.imageShape = imageShape
        self.classNames = classNames
        self.privateTrain = privateTrain
        self.privateTest = privateTest
        self.publicSet = publicSet
        self.publicClassNames = publicClassNames
        self.source = source
        self.isSynthetic = isSynthetic
        self.splitDescription = splitDescription
    }

    public var classes: Int { classNames.count }

    /// The mean public face (`1 x C x H x W`); the mean private training face when there is no
    /// public set would leak private data, so this is nil then.
    public var meanPublicFace: Tensor? {
        guard publicSet.count > 0 else { return nil }
        return publicSet.images.sum(alongAxes: [0], keepingDimensions: true) * (1 / Float(publicSet.count))
    }
}
