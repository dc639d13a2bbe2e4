import Foundation
import InvLabIO

/// A labelled image set laid out as one sub-folder per identity (the torchvision
/// `ImageFolder` convention), e.g. `faces/alice/1.png`, `faces/bob/a.jpg`.
///
/// Identities are the sub-folders sorted by name (label 0 is the first); files inside are
/// read in name order, and their format (PGM/PPM, PNG, JPEG) is recognised from their bytes.
/// Hidden files and folders (names starting with `.`) are ignored. This is how users load
/// sets that are not fetchable here (CelebA, FaceScrub, LFW, ...).
public enum ImageFolderDataset {
    /// How images of different sizes are brought to one size.
    public enum ResizeMode: String, Sendable {
        /// Resize to the target size, distorting the aspect ratio if it differs.
        case resize
        /// Centre-crop to the target aspect ratio, then resize (no distortion).
        case centerCropThenResize = "center_crop_then_resize"
    }

    /// Loading options.
    public struct Options: Sendable, Equatable {
        /// Target (height, width); `nil` keeps the files' size, which must then be the same for all.
        public var size: (height: Int, width: Int)?
        /// 1 for grey, 3 for RGB (images are converted as needed).
        public var channels: Int
        public var resizeMode: ResizeMode
        public var resizeMethod: ResizeMethod
        public var limits: ReadLimits

        public init(size: (height: Int, width: Int)? = nil, channels: Int = 1, resizeMode: ResizeMode = .resize,
                    resizeMethod: ResizeMethod = .automatic, limits: ReadLimits = .standard) {
            self.size = size
            self.channels = channels
            self.resizeMode = resizeMode
            self.resizeMethod = resizeMethod
            self.limits = limits
        }

        public static func == (a: Options, b: Options) -> Bool {
            a.size?.height == b.size?.height && a.size?.width == b.size?.width && a.channels == b.channels
                && a.resizeMode == b.resizeMode && a.resizeMethod == b.resizeMethod && a.limits == b.limits
        }
    }

    /// Loads every image under `root`.
    public static func load(from root: URL, options: Options = Options()) throws -> LabeledImages {
        guard options.channels == 1 || options.channels == 3 else {
            throw DatasetError("image folder \(root.path): channels must be 1 (grey) or 3 (RGB), got \(options.channels)")
        }
        if let size = options.size, size.height <= 0 || size.width <= 0 {
            throw DatasetError("image folder \(root.path): size must be positive, got \(size.height)x\(size.width)")
        }
        let classFolders = try visibleEntries(of: root).filter { isDirectory($0) }
        guard !classFolders.isEmpty else {
            throw DatasetError("image folder \(root.path) has no class sub-folders (expected one folder per identity)")
        }
        var images: [Image] = []
        var labels: [Int] = []
        for (label, folder) in classFolders.enumerated() {
            let files = try visibleEntries(of: folder).filter { !isDirectory($0) }
            guard !files.isEmpty else {
                throw DatasetError("image folder class '\(folder.lastPathComponent)' (\(folder.path)) has no images")
            }
            for file in files {
                var image = try ImageDecoder.read(contentsOf: file, limits: options.limits)
                image = try image.converted(toChannels: options.channels)
                if let size = options.size {
                    image = options.resizeMode == .resize
                        ? try image.resized(width: size.width, height: size.height, method: options.resizeMethod)
                        : try image.fitted(width: size.width, height: size.height, method: options.resizeMethod)
                } else if let first = images.first, first.width != image.width || first.height != image.height {
                    throw DatasetError("\(file.path): image is \(image.width)x\(image.height) but the first image is "
                        + "\(first.width)x\(first.height); give a size to resize them")
                }
                images.append(image)
                labels.append(label)
            }
        }
        return try LabeledImages(stacking: images, labels: labels, classNames: classFolders.map(\.lastPathComponent),
                                 source: "image folder \(root.path)")
    }

    /// Non-hidden entries of a folder, sorted by name.
    private static func visibleEntries(of folder: URL) throws -> [URL] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw DatasetError("image folder \(folder.path) cannot be listed: \(error.localizedDescription)")
        }
        return names.filter { !$0.hasPrefix(".") }.sorted().map { folder.appendingPathComponent($0) }
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &flag) && flag.boolValue
    }
}
