/// One problem found in a spec: what is wrong, where (file position and key path), and notes
/// that help fix it ("did you mean 'weight'?").
///
/// Diagnostics are values, collected rather than thrown one by one, so that a user sees every
/// problem of a file in one run. `DiagnosticRenderer` prints them compiler-style.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    /// How serious a diagnostic is: errors stop a run, warnings do not.
    public enum Severity: String, Sendable, Equatable {
        /// The spec cannot be used as written.
        case error
        /// Worth a look, but the run can go on.
        case warning
    }

    /// Error or warning.
    public var severity: Severity
    /// One sentence without a trailing period, e.g. "unknown key 'wieght'".
    public var message: String
    /// Where the offending text starts; nil when there is no position (e.g. an unreadable file).
    public var location: SourceLocation?
    /// Key path of the offending value; rendered as "(at path)" after the message.
    public var path: SpecPath?
    /// Extra lines printed as "note: ..." under the source excerpt.
    public var notes: [String]

    /// Creates a diagnostic. A `SourceLocation.generated` location is stored as nil.
    public init(_ severity: Severity = .error, _ message: String, at location: SourceLocation? = nil,
                path: SpecPath? = nil, notes: [String] = []) {
        self.severity = severity
        self.message = message
        self.location = location.flatMap { $0.isGenerated ? nil : $0 }
        self.path = path
        self.notes = notes
    }

    /// Shorthand for an error diagnostic.
    public static func error(_ message: String, at location: SourceLocation? = nil, path: SpecPath? = nil,
                             notes: [String] = []) -> Diagnostic {
        Diagnostic(.error, message, at: location, path: path, notes: notes)
    }

    /// Shorthand for a warning diagnostic.
    public static func warning(_ message: String, at location: SourceLocation? = nil, path: SpecPath? = nil,
                               notes: [String] = []) -> Diagnostic {
        Diagnostic(.warning, message, at: location, path: path, notes: notes)
    }

    /// A name that is not among the known ones, e.g. `unknown regularizer 'total_variaton'`,
    /// with a "did you mean" note for close matches, or else a note listing the known names.
    /// - Parameters:
    ///   - what: the kind of name, e.g. "key", "regularizer", "value".
    ///   - name: the name the user wrote.
    ///   - known: every accepted name, in the order to list them.
    ///   - listLabel: how to introduce the full list, e.g. "known keys" or "expected one of".
    public static func unknownName(_ what: String, _ name: String, known: [String], listLabel: String,
                                   at location: SourceLocation?, path: SpecPath?) -> Diagnostic {
        .error("unknown \(what) '\(name)'", at: location, path: path,
               notes: [suggestionNote(for: name, among: known, listLabel: listLabel)])
    }

    /// "did you mean 'x'?" (or "did you mean 'x' or 'y'?") when `name` is close to known names;
    /// otherwise "<listLabel>: a, b, c" (or "<listLabel>: (none)").
    public static func suggestionNote(for name: String, among known: [String], listLabel: String) -> String {
        let matches = closestMatches(to: name, among: known)
        if !matches.isEmpty {
            return "did you mean " + matches.prefix(3).map { "'\($0)'" }.joined(separator: " or ") + "?"
        }
        return "\(listLabel): " + (known.isEmpty ? "(none)" : known.joined(separator: ", "))
    }

    /// The diagnostic rendered without source text (see `DiagnosticRenderer` for the full form).
    public var description: String {
        DiagnosticRenderer(cache: nil).render(self)
    }
}
