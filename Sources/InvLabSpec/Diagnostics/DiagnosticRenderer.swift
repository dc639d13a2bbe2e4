/// Prints diagnostics the way compilers do, so terminals and editors can jump to them:
///
/// ```
/// Experiments/orl/miface.yaml:14:13: error: unknown regularizer 'total_variaton' (at attack.regularizers[1].type)
///    14 |     - type: total_variaton
///       |             ^
/// note: did you mean 'total_variation'?
/// ```
///
/// The source excerpt appears when the file's text is in the `SourceCache`; a diagnostic
/// without a location renders as `error: message`.
public struct DiagnosticRenderer: Sendable {
    /// Where source lines come from; nil renders headers and notes only.
    public let cache: SourceCache?

    /// Creates a renderer reading source lines from `cache`.
    public init(cache: SourceCache?) {
        self.cache = cache
    }

    /// All diagnostics in source order (file, line, column), separated by line breaks.
    /// The result has no trailing line break.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        SpecError.sortedBySource(diagnostics).map(render).joined(separator: "\n")
    }

    /// One diagnostic: header line, source excerpt with caret (if the source is known), notes.
    public func render(_ diagnostic: Diagnostic) -> String {
        var lines: [String] = [header(of: diagnostic)]
        if let location = diagnostic.location, let source = cache?.line(location.line, in: location.file) {
            lines.append(contentsOf: excerpt(source, line: location.line, column: location.column))
        }
        lines.append(contentsOf: diagnostic.notes.map { "note: \($0)" })
        return lines.joined(separator: "\n")
    }

    private func header(of diagnostic: Diagnostic) -> String {
        var text = ""
        if let location = diagnostic.location { text += "\(location): " }
        text += "\(diagnostic.severity.rawValue): \(diagnostic.message)"
        if let path = diagnostic.path, !path.isRoot { text += " (at \(path))" }
        return text
    }

    /// The quoted source line and a caret under `column`; tabs before the column are kept so
    /// the caret lines up in a terminal.
    private func excerpt(_ source: String, line: Int, column: Int) -> [String] {
        let number = String(line)
        let width = max(5, number.count)
        let gutter = String(repeating: " ", count: width - number.count) + number
        let blankGutter = String(repeating: " ", count: width)
        var padding = ""
        var scalars = source.unicodeScalars.makeIterator()
        for _ in 0..<max(0, column - 1) {
            padding += scalars.next() == "\t" ? "\t" : " "
        }
        let quoted = source.isEmpty ? "\(gutter) |" : "\(gutter) | \(source)"
        return [quoted, "\(blankGutter) | \(padding)^"]
    }
}
