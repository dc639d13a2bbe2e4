import Foundation

/// Options of `invlab run`.
public struct RunOptions {
    public var outDirectory: URL?
    public var resume = false
    public var force = false
    public var progress = ProgressStyle.automatic
    public var cacheDirectory: URL?
    /// Load trained models from the cache only, never train (`invlab export`).
    public var cacheReadOnly = false
    public var dataDirectory: URL
    /// Checked between steps; true once the user pressed Ctrl-C.
    public var cancelled: () -> Bool = { false }

    public init(dataDirectory: URL) { self.dataDirectory = dataDirectory }
}

/// What a finished run produced.
public struct RunSummary {
    public var directory: URL
    public var outcomes: [TrialOutcome]
    public var columns: ResultColumns
    public var interrupted: Bool
}
