/// Values that metrics compute from the evaluation classifier and the data alone, such as the
/// evaluator's features of a person's private training images, kept across the metrics of a
/// trial and across the trials of a run that share the same evaluator and data (a lambda sweep
/// measures the same private faces 21 times otherwise). The runner hands every trial the memo
/// of its evaluator and data; a `MetricInput` built elsewhere gets a fresh one.
///
/// Keys name what the value is computed from beyond the evaluator and the data (e.g.
/// `"private_train:features:3"`); the value for a key never changes within one memo.
public final class MetricMemo: @unchecked Sendable {
    private var values: [String: Any] = [:]

    public init() {}

    /// The value stored under `key`, computed by `make` the first time.
    /// `T` must not be an optional type: a stored nil would read as a hit.
    public func value<T>(_ key: String, _ make: () throws -> T) rethrows -> T {
        if let stored = values[key] as? T { return stored }
        let made = try make()
        values[key] = made
        return made
    }
}
