/// Collects the diagnostics of one decoding pass, so that every problem in a spec is reported
/// at once instead of one per run.
public struct DecodingContext: Sendable {
    /// Every diagnostic recorded so far, in the order found.
    public var diagnostics: [Diagnostic]

    /// Creates an empty context.
    public init(diagnostics: [Diagnostic] = []) {
        self.diagnostics = diagnostics
    }

    /// Number of error diagnostics (warnings are not counted).
    public var errorCount: Int {
        diagnostics.reduce(0) { $0 + ($1.severity == .error ? 1 : 0) }
    }

    /// True when at least one error was recorded.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Records a diagnostic.
    public mutating func report(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    /// Records an error located at `node`.
    public mutating func error(_ message: String, at node: Node, path: SpecPath, notes: [String] = []) {
        report(.error(message, at: node.location, path: path, notes: notes))
    }

    /// Records a warning located at `node`.
    public mutating func warning(_ message: String, at node: Node, path: SpecPath, notes: [String] = []) {
        report(.warning(message, at: node.location, path: path, notes: notes))
    }

    /// Records "expected <expected>, got <what the node is>" at `node`.
    public mutating func typeMismatch(expected: String, got node: Node, path: SpecPath, notes: [String] = []) {
        error("expected \(expected), got \(node.kindDescription)", at: node, path: path, notes: notes)
    }
}
