import Foundation

/// Where fetched and prepared data sets live, and how they get there without ever leaving a
/// half-written folder behind.
///
/// The root is, in order of preference: the URL given to `init(root:)`, the environment variable
/// `INVLAB_DATA_DIR`, or `<current directory>/data` (ignored by git). Each data set is one
/// sub-folder (`orl`, `mnist5k`, ...) plus verified wheels under `wheels/`. A folder is built
/// in a hidden staging folder next to its final place and then renamed into place in one atomic
/// step, so the existence of `<root>/<name>` means that it is complete.
public struct DataCache: Sendable, Equatable {
    /// The cache root directory.
    public let root: URL

    public init(root: URL) { self.root = root }

    /// `$INVLAB_DATA_DIR` if set and non-empty, else `<currentDirectory>/data`.
    public static func defaultRoot(environment: [String: String] = ProcessInfo.processInfo.environment,
                                   currentDirectory: String = FileManager.default.currentDirectoryPath) -> URL {
        if let configured = environment["INVLAB_DATA_DIR"], !configured.isEmpty {
            return URL(fileURLWithPath: configured, isDirectory: true)
        }
        return URL(fileURLWithPath: currentDirectory, isDirectory: true).appendingPathComponent("data", isDirectory: true)
    }

    /// The cache at `defaultRoot()`.
    public static var standard: DataCache { DataCache(root: defaultRoot()) }

    /// The folder of the data set `name` (it may not exist yet).
    public func directory(_ name: String) -> URL { root.appendingPathComponent(name, isDirectory: true) }

    /// True when the data set folder `name` has been installed.
    public func contains(_ name: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: directory(name).path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Returns the folder `name`, building it first with `build` if it is missing. `build` fills
    /// an empty staging folder; on success the folder is renamed into place, on failure it is
    /// deleted and the error passed on. Calls within one process are serialised, and a folder
    /// installed concurrently by another process wins (ours is then discarded).
    @discardableResult
    public func install(_ name: String, build: (URL) throws -> Void) throws -> URL {
        Self.lock.lock()
        defer { Self.lock.unlock() }
        let target = directory(name)
        if contains(name) { return target }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let staging = root.appendingPathComponent(".staging-\(name)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: staging) }
        try build(staging)
        do {
            try FileManager.default.moveItem(at: staging, to: target)
        } catch {
            if contains(name) { return target }  // another process finished first
            throw DatasetError("cannot move the prepared data set into \(target.path): \(error.localizedDescription)")
        }
        return target
    }

    /// A fresh temporary folder inside the cache root (same file system, so a rename out of it
    /// is atomic). The caller removes it.
    func temporaryDirectory(_ purpose: String) throws -> URL {
        let url = root.appendingPathComponent(".tmp-\(purpose)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private static let lock = NSRecursiveLock()
}
