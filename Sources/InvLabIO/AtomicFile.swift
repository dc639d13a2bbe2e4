import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Atomic file writes for the whole project: a reader sees either the old file or the new one,
/// never half of it, even if the process is killed mid-write.
///
/// The data goes to a hidden temporary file in the destination's own directory (a rename is
/// only atomic within one file system), is flushed to disk, and is then renamed over the
/// destination with POSIX `rename`, which replaces an existing file atomically.
public enum AtomicFile {
    /// Writes `data` to `url` atomically, creating missing parent directories.
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw AtomicWriteError(path: url.path, message: "cannot create temporary file \(temporary.path)")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            do {
                try handle.write(contentsOf: data)
                try handle.synchronize()
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            try rename(temporary, over: url)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// Writes UTF-8 text atomically.
    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    /// Renames `source` to `destination` with POSIX `rename` (replaces a file atomically;
    /// replaces a directory only if the destination is an empty directory).
    public static func rename(_ source: URL, over destination: URL) throws {
        let status = source.withUnsafeFileSystemRepresentation { from in
            destination.withUnsafeFileSystemRepresentation { to -> Int32 in
                guard let from, let to else { return -1 }
                return Foundation.rename(from, to)
            }
        }
        guard status == 0 else {
            let reason = String(cString: strerror(errno))
            throw AtomicWriteError(path: destination.path, message: "cannot rename \(source.path) into place: \(reason)")
        }
    }
}

/// A failure of the file system during an atomic write (not a format problem).
public struct AtomicWriteError: Error, CustomStringConvertible, LocalizedError, Sendable {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
    public var errorDescription: String? { description }
}
