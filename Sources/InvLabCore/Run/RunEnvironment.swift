import Foundation
import InvLabIO
import InvLabNN
import InvLabTensor

/// Resources shared by the stages of a run: caches, progress output, cancellation.
///
/// @unchecked Sendable: every stored property is a `let`; `cache` and `progress` are `Sendable`
/// (each guards its own state with a lock); `cancelled` is a caller's non-`@Sendable` closure,
/// and `cancelLock` serialises every call of it.
public final class RunEnvironment: @unchecked Sendable {
    /// Trained models and fitted priors, by the hash of what determines them.
    public let cache: ModelCache
    public let progress: ProgressReporter
    /// Where datasets are fetched to (`INVLAB_DATA_DIR`, else `./data`).
    public let dataDirectory: URL
    private let cancelled: () -> Bool
    private let cancelLock = NSLock()

    public init(cache: ModelCache, progress: ProgressReporter, dataDirectory: URL, cancelled: @escaping () -> Bool = { false }) {
        self.cache = cache
        self.progress = progress
        self.dataDirectory = dataDirectory
        self.cancelled = cancelled
    }

    /// True once the user asked to stop (SIGINT): loops finish their current step and return.
    public var isCancelled: Bool {
        cancelLock.lock(); defer { cancelLock.unlock() }
        return cancelled()
    }

    /// An environment for tests and library use: memory cache only, no progress output.
    public static func ephemeral(dataDirectory: URL? = nil) -> RunEnvironment {
        RunEnvironment(cache: ModelCache(directory: nil), progress: ProgressReporter(style: .quiet),
                       dataDirectory: dataDirectory ?? URL(fileURLWithPath: "data"))
    }
}

/// The user interrupted the run; completed work has been written.
public struct RunCancelled: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "interrupted" }
}

/// Trained networks and fitted tensors, keyed by a hash of everything that determines them, in
/// memory and (when a directory is given) on disk as safetensors files written atomically.
///
/// @unchecked Sendable: shared by the stages and trials of a run; `lock` guards `networks` and
/// `tensors` (every read and write); `directory` is a `let`. Training and disk I/O run outside
/// the lock.
public final class ModelCache: @unchecked Sendable {
    public let directory: URL?
    /// A read-only cache (`invlab export`) never trains or computes: a missing entry is a
    /// `ModelCacheMiss` naming the model, so that nothing is retrained silently.
    public let readOnly: Bool
    private var networks: [String: ModelState] = [:]
    private var tensors: [String: [String: Tensor]] = [:]
    private var made: [String] = []
    private let lock = NSLock()

    public init(directory: URL?, readOnly: Bool = false) {
        self.directory = directory
        self.readOnly = readOnly
    }

    /// A stable key for a list of descriptive parts (spec subtrees, data description, seeds).
    public static func key(_ parts: [String]) -> String {
        String(SHA256.hexDigest(of: Array(parts.joined(separator: "\u{1F}").utf8)).prefix(24))
    }

    private func file(_ key: String) -> URL? { directory?.appendingPathComponent("\(key).safetensors") }

    /// The network trained under `key`: from memory, from disk, or made by `train` (then stored).
    /// `template` provides the architecture; its tensors are replaced by the cached ones.
    /// On disk, making a missing entry holds the key's lock file (`<key>.lock`), and the file
    /// is checked again once the lock is held: concurrent processes on one cache (shards of a
    /// run) train each model once, and the others wait for it and load it.
    public func network(key: String, template: Network, train: (inout Network) throws -> Void) throws -> (Network, cached: Bool) {
        lock.lock()
        let memory = networks[key]
        lock.unlock()
        var network = template
        if let memory {
            network.state = memory
            return (network, true)
        }
        guard let url = file(key) else {
            if readOnly { throw ModelCacheMiss(name: template.name, key: key, directory: directory) }
            try train(&network)
            remember(key, network.state)
            noteMade(key)
            return (network, false)
        }
        return try locked(key) {
            if FileManager.default.fileExists(atPath: url.path) {
                try network.load(from: url)
                remember(key, network.state)
                return (network, true)
            }
            if readOnly { throw ModelCacheMiss(name: template.name, key: key, directory: directory) }
            try train(&network)
            remember(key, network.state)
            try network.save(to: url, metadata: ["cache_key": key])
            noteMade(key)
            return (network, false)
        }
    }

    private func lockFile(_ key: String) -> URL { directory!.appendingPathComponent("\(key).lock") }

    /// Runs `body` under the key's lock, except in a read-only cache, which only reads files that
    /// are complete (they are written atomically) and so needs no lock and creates no lock file.
    private func locked<T>(_ key: String, _ body: () throws -> T) throws -> T {
        readOnly ? try body() : try FileLock.withLock(lockFile(key), body)
    }

    /// Keys this process computed (rather than found in memory or on disk), in order.
    public var madeKeys: [String] {
        lock.lock(); defer { lock.unlock() }
        return made
    }

    private func noteMade(_ key: String) {
        lock.lock(); defer { lock.unlock() }
        made.append(key)
    }

    private func remember(_ key: String, _ state: ModelState) {
        lock.lock(); defer { lock.unlock() }
        networks[key] = state
    }

    /// Named tensors computed under `key` (e.g. a PCA basis), cached and locked like networks.
    public func tensors(key: String, compute: () throws -> [String: Tensor]) throws -> [String: Tensor] {
        lock.lock()
        let memory = tensors[key]
        lock.unlock()
        if let memory { return memory }
        guard let url = file(key) else {
            if readOnly { throw ModelCacheMiss(name: "cached tensors", key: key, directory: directory) }
            let computed = try compute()
            lock.lock(); tensors[key] = computed; lock.unlock()
            noteMade(key)
            return computed
        }
        return try locked(key) {
            if FileManager.default.fileExists(atPath: url.path) {
                let loaded = try Safetensors.read(contentsOf: url).dictionary
                lock.lock(); tensors[key] = loaded; lock.unlock()
                return loaded
            }
            if readOnly { throw ModelCacheMiss(name: "cached tensors", key: key, directory: directory) }
            let computed = try compute()
            lock.lock(); tensors[key] = computed; lock.unlock()
            try Safetensors.write(computed, metadata: ["cache_key": key], to: url)
            noteMade(key)
            return computed
        }
    }
}

/// A model or tensor set a read-only cache does not hold (it was never trained or computed
/// there): `invlab export` reports it instead of training.
public struct ModelCacheMiss: Error, CustomStringConvertible {
    /// What was asked for (e.g. `target cnn`, `dummy recognizer cnn`).
    public var name: String
    public var key: String
    public var directory: URL?
    public var description: String {
        "the model cache \(directory?.path ?? "(in memory)") holds no \(name) (key \(key))"
    }
}
