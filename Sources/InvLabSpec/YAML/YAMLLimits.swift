/// Bounds that keep a hostile or accidental spec from exhausting memory or time.
///
/// A spec is a few hundred lines; these limits are generous for real files and stop
/// "billion laughs" alias bombs, multi-gigabyte files and pathological nesting early.
public struct YAMLLimits: Sendable, Equatable {
    /// Largest accepted file, in bytes.
    public var maximumFileSize: Int
    /// Most nodes in a document after expanding aliases (each alias counts the nodes it copies).
    public var maximumNodeCount: Int
    /// Deepest nesting of lists and mappings.
    public var maximumDepth: Int

    /// Creates limits; the defaults are 16 MiB, 100 000 nodes and 200 levels.
    public init(maximumFileSize: Int = 16 << 20, maximumNodeCount: Int = 100_000, maximumDepth: Int = 200) {
        self.maximumFileSize = maximumFileSize
        self.maximumNodeCount = maximumNodeCount
        self.maximumDepth = maximumDepth
    }

    /// 16 MiB, 100 000 nodes, 200 levels.
    public static let `default` = YAMLLimits()
}
