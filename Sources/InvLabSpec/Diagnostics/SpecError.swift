/// Everything that was wrong with a spec, thrown at once.
///
/// Every throwing function of this module throws a `SpecError`, holding all diagnostics it could
/// collect (for example every unknown key of a file, not only the first), ordered by file,
/// line and column.
public struct SpecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The diagnostics, ordered by file, line, column; diagnostics without a location come last.
    public let diagnostics: [Diagnostic]

    /// Creates the error; the diagnostics are put in source order (stable for equal locations).
    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = SpecError.sortedBySource(diagnostics)
    }

    /// Creates the error from one diagnostic.
    public init(_ diagnostic: Diagnostic) {
        self.init([diagnostic])
    }

    /// The diagnostics rendered with the source lines found in `cache` (if any).
    public func rendered(with cache: SourceCache?) -> String {
        DiagnosticRenderer(cache: cache).render(diagnostics)
    }

    /// The diagnostics rendered without source excerpts.
    public var description: String { rendered(with: nil) }

    /// Stable sort by location; located diagnostics first.
    static func sortedBySource(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.enumerated().sorted { lhs, rhs in
            switch (lhs.element.location, rhs.element.location) {
            case let (left?, right?):
                if left != right { return left < right }
            case (.some, nil):
                return true
            case (nil, .some):
                return false
            case (nil, nil):
                break
            }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }
}
