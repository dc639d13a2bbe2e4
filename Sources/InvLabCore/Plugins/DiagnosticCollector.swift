import InvLabSpec

/// Builds several plugins and keeps going past a failure, so that one `SpecError` reports the
/// mistakes of all of them (`invlab validate` prints every problem in one pass). A `SpecError`
/// contributes its diagnostics; any other error becomes one diagnostic at `location` / `path`.
public struct DiagnosticCollector {
    public private(set) var diagnostics: [Diagnostic] = []
    let location: SourceLocation
    let path: SpecPath?

    public init(location: SourceLocation, path: SpecPath?) {
        self.location = location
        self.path = path
    }

    /// Located at the plugin being built (`context`'s mapping and key path).
    public init(_ context: BuildContext) {
        self.init(location: context.location, path: context.path)
    }

    /// The value `body` builds, or nil after recording why it failed.
    public mutating func attempt<T>(_ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch let error as SpecError {
            diagnostics += error.diagnostics
        } catch {
            diagnostics.append(.error("\(error)", at: location, path: path))
        }
        return nil
    }

    /// Records a diagnostic found otherwise (e.g. a cross-key check).
    public mutating func append(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }
}
