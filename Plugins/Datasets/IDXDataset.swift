import Foundation
import InvLabIO
import InvLabTensor

/// A labelled image set stored as a pair of IDX files (MNIST layout): an images file of shape
/// `[N, H, W]` (ubyte, scaled to [0, 1]) and a labels file of shape `[N]`.
public enum IDXDataset {
    /// Loads and cross-checks an images/labels pair (raw or gzip).
    /// - Parameter classNames: names by label; default `0`, `1`, ... up to the largest label.
    public static func load(images: URL, labels: URL, classNames: [String]? = nil,
                            source: String? = nil, limits: ReadLimits = .standard) throws -> LabeledImages {
        let tensor = try IDXReader.readTensor(contentsOf: images, scaleBytesToUnit: true, limits: limits)
        let labelList = try IDXReader.readLabels(contentsOf: labels, limits: limits)
        guard tensor.shape.count == 3 else {
            throw DatasetError("\(images.path): IDX images must have shape [N, height, width], file has \(tensor.shape)")
        }
        guard tensor.shape[0] == labelList.count else {
            throw DatasetError("\(images.path) holds \(tensor.shape[0]) images but \(labels.path) holds \(labelList.count) labels")
        }
        if let negative = labelList.first(where: { $0 < 0 }) {
            throw DatasetError("\(labels.path): label \(negative) is negative")
        }
        let names = classNames ?? (0...(labelList.max() ?? 0)).map(String.init)
        let stacked = tensor.reshaped([tensor.shape[0], 1, tensor.shape[1], tensor.shape[2]])
        return try LabeledImages(images: stacked, labels: labelList, classNames: names,
                                 source: source ?? "IDX \(images.lastPathComponent) + \(labels.lastPathComponent)")
    }
}

/// Fashion-MNIST (Xiao et al. 2017) as installed by Debian's `dataset-fashion-mnist`.
public enum FashionMNIST {
    /// Where Debian installs it.
    public static let debianDirectory = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist", isDirectory: true)

    /// The ten class names, index = label.
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// The 60,000-image training or 10,000-image test split.
    public enum Split: String, Sendable { case train, test }

    /// Loads one split from `directory` (`{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz`).
    public static func load(_ split: Split, directory: URL = debianDirectory) throws -> LabeledImages {
        let prefix = split == .train ? "train" : "t10k"
        let images = directory.appendingPathComponent("\(prefix)-images-idx3-ubyte.gz")
        let labels = directory.appendingPathComponent("\(prefix)-labels-idx1-ubyte.gz")
        guard FileManager.default.fileExists(atPath: images.path) else {
            throw DatasetError("\(images.path) not found: install Fashion-MNIST with `apt-get install dataset-fashion-mnist`")
        }
        return try IDXDataset.load(images: images, labels: labels, classNames: classNames,
                                   source: "Fashion-MNIST \(split.rawValue) (\(directory.path))")
    }
}
