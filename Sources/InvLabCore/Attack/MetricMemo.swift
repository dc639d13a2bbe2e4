import Foundation

/// Values that metrics compute from the evaluation classifier and the data alone, such as the
/// evaluator's features of a person's private training images, kept across the metrics of a
/// trial and across the trials of a run that share the same evaluator and data (a lambda sweep
/// measures the same private faces 21 times otherwise). The runner hands every trial the memo
/// of its evaluator and data; a `MetricInput` built elsewhere gets a fresh one.
///
/// Keys name what the value is computed from beyond the evaluator and the data (e.g.
/// `"private_train:features:3"`); the value for a key never changes within one memo.
///
/// @unchecked Sendable: memos are shared by the trials of a run; `lock` guards `values` (every
/// read and write of the dictionary). `make` runs outside the lock (it may use the memo itself);
/// if two callers compute the same key at once, the first value stored is kept and returned to
/// both, so the value for a key still never changes.
public final class MetricMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Any] = [:]

    public init() {}

    /// The value stored under `key`, computed by `make` the first time.
    /// `T` must not be an optional type: a stored nil would read as a hit.
    public func value<T>(_ key: String, _ make: () throws -> T) rethrows -> T {
        lock.lock()
        let existing = values[key]
        lock.unlock()
        if let stored = existing as? T { return stored }
        let made = try make()
        lock.lock(); defer { lock.unlock() }
        if let stored = values[key] as? T { return stored }
        values[key] = made
        return made
    }
}
