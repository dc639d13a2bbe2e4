/// A position in a source file: 1-based line and column (columns count Unicode scalars).
///
/// Every YAML node keeps the location where it starts, so that a diagnostic can point at the
/// exact character a user has to change. Nodes built in code (defaults, generated sweep values)
/// carry `SourceLocation.generated`, which diagnostics treat as "no location".
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The file path as it was given to the loader, or a pseudo-file such as `--set`.
    public let file: String
    /// 1-based line number (0 only for `generated`).
    public let line: Int
    /// 1-based column number, counted in Unicode scalars (0 only for `generated`).
    public let column: Int

    /// Creates a location; `line` and `column` are 1-based.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// The location of nodes that were built in code rather than read from a file.
    public static let generated = SourceLocation(file: "", line: 0, column: 0)

    /// True for `SourceLocation.generated`: there is no file position to point at.
    public var isGenerated: Bool { line == 0 }

    /// `file:line:column`, the prefix compilers and editors understand.
    public var description: String { "\(file):\(line):\(column)" }

    /// Orders by file path, then line, then column.
    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }

    /// The same position shifted right by `columns` (used to relocate a parsed `--set` value).
    func shifted(columns: Int, line newLine: Int? = nil, file newFile: String? = nil) -> SourceLocation {
        SourceLocation(file: newFile ?? file, line: newLine ?? line, column: column + columns)
    }
}
