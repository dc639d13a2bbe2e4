import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock on a file (`flock(2)`), held between processes: the guard that
/// keeps concurrent `invlab` processes on one shared cache or run directory from doing the same
/// work twice at once (two shards training one model, two merges of one run).
///
/// The lock file is created if missing and left in place (removing it would race with a
/// process that has just opened it). Linux maps `flock` onto NFS byte-range locks, so the lock
/// also holds between nodes of a cluster on a shared NFS file system. A process that dies
/// releases its locks with its file descriptors.
public final class FileLock {
    public let url: URL
    private var descriptor: Int32 = -1

    public init(_ url: URL) { self.url = url }

    deinit { unlock() }

    /// Blocks until the lock is held.
    public func lock() throws {
        guard descriptor < 0 else { return }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let fd = open(url.path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw AtomicWriteError(path: url.path, message: "cannot open lock file: \(String(cString: strerror(errno)))")
        }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let reason = String(cString: strerror(errno))
            close(fd)
            throw AtomicWriteError(path: url.path, message: "cannot lock: \(reason)")
        }
        descriptor = fd
    }

    /// Releases the lock (no effect when not held).
    public func unlock() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    /// Runs `body` while holding the lock of `url`.
    public static func withLock<T>(_ url: URL, _ body: () throws -> T) throws -> T {
        let lock = FileLock(url)
        try lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
