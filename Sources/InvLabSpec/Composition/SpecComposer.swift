import Foundation

/// Loads a spec file and the files it `inherit:`s, and merges them into one tree.
///
/// `inherit:` holds a path or a list of paths, relative to the directory of the file that
/// names them. Bases are composed recursively (they may inherit too), merged in order, and the
/// child is merged on top (see `mergeSpec(_:onto:)`); the `inherit` key itself is dropped.
/// Problems in several bases are reported together.
public struct SpecComposer: Sendable {
    /// Where the text of every file read is kept for rendering diagnostics.
    public let cache: SourceCache
    /// Reads each file.
    public let loader: YAMLLoader
    /// Longest chain of inherited files (root included) before giving up.
    public let maximumInheritDepth: Int

    /// Creates a composer that records sources in `cache`.
    public init(cache: SourceCache, loader: YAMLLoader = YAMLLoader(), maximumInheritDepth: Int = 32) {
        self.cache = cache
        self.loader = loader
        self.maximumInheritDepth = maximumInheritDepth
    }

    /// The composed tree of the spec at `file`.
    /// - Throws: `SpecError` with every problem found in the file and its bases.
    public func compose(file: String) throws -> Node {
        try compose(file: file, chain: [])
    }

    /// The composed tree of the spec at `file` with command-line overrides applied in order
    /// (see `applyOverride(_:to:cache:loader:)`); the overrides are recorded in `cache` so
    /// diagnostics can quote them.
    /// - Throws: `SpecError` from composition, from the first override that fails, or for
    ///   every override of a key that the final spec sweeps (the sweep would silently replace
    ///   it in every trial; see `sweptOverrideDiagnostics(_:in:)`).
    public func compose(file: String, overrides: [String]) throws -> Node {
        var root = try compose(file: file)
        var applied: [Override] = []
        for assignment in overrides {
            let override = try Override(parsing: assignment, cache: cache, loader: loader)
            root = try override.applied(to: root)
            applied.append(override)
        }
        let swept = sweptOverrideDiagnostics(applied, in: root)
        if !swept.isEmpty { throw SpecError(swept) }
        return root
    }

    /// One file of the chain; `chain` lists the files that inherit it, outermost first.
    private func compose(file: String, chain: [(display: String, identity: String)]) throws -> Node {
        let node = try loader.load(file: file, cache: cache)
        guard let inheritEntry = node.entry("inherit") else { return node }
        let child = node.removingEntry("inherit")
        let references = try inheritedReferences(inheritEntry)
        let here = chain + [(file, SpecFilePaths.identity(file))]
        var diagnostics: [Diagnostic] = []
        var mergedBases: Node?
        for reference in references {
            let resolved = SpecFilePaths.resolve(reference.name, relativeTo: file)
            if let problem = problem(with: reference, resolved: resolved, chain: here) {
                diagnostics.append(problem)
                continue
            }
            do {
                let base = try compose(file: resolved, chain: here)
                mergedBases = mergedBases.map { mergeSpec(base, onto: $0) } ?? base
            } catch let error as SpecError {
                diagnostics.append(contentsOf: error.diagnostics)
            }
        }
        if !diagnostics.isEmpty { throw SpecError(diagnostics) }
        return mergedBases.map { mergeSpec(child, onto: $0) } ?? child
    }

    /// A cycle, an over-long chain, or a missing/unreadable file, located at the reference.
    private func problem(with reference: InheritReference, resolved: String,
                         chain: [(display: String, identity: String)]) -> Diagnostic? {
        let identity = SpecFilePaths.identity(resolved)
        if let start = chain.firstIndex(where: { $0.identity == identity }) {
            let cycle = chain[start...].map(\.display) + [resolved]
            return .error("inherit cycle: " + cycle.joined(separator: " -> "), at: reference.location, path: reference.path)
        }
        if chain.count >= maximumInheritDepth {
            return .error("inherit chain is deeper than \(maximumInheritDepth) files", at: reference.location,
                          path: reference.path)
        }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory)
        let reason: String? = !exists ? "no such file"
            : isDirectory.boolValue ? "it is a directory"
            : !FileManager.default.isReadableFile(atPath: resolved) ? "permission denied" : nil
        guard let reason else { return nil }
        return .error("cannot read inherited spec '\(reference.name)' (resolved to \(SpecFilePaths.absolute(resolved))): \(reason)",
                      at: reference.location, path: reference.path)
    }

    /// One file named by `inherit:`.
    private struct InheritReference {
        let name: String
        let location: SourceLocation
        let path: SpecPath
    }

    /// The names in `inherit: name` or `inherit: [a, b]`; anything else is an error.
    private func inheritedReferences(_ entry: MappingEntry) throws -> [InheritReference] {
        let path = SpecPath.root.appending("inherit")
        let expected = "expected a file path or a list of file paths"
        if let name = entry.value.stringValue {
            return [try reference(name, at: entry.value.location, path: path)]
        }
        guard let items = entry.value.items else {
            throw SpecError(.error("\(expected), got \(entry.value.kindDescription)", at: entry.value.location, path: path))
        }
        var references: [InheritReference] = []
        var diagnostics: [Diagnostic] = []
        for (index, item) in items.enumerated() {
            let itemPath = path.appending(index: index)
            guard let name = item.stringValue else {
                diagnostics.append(.error("expected a file path, got \(item.kindDescription)", at: item.location, path: itemPath))
                continue
            }
            do {
                references.append(try reference(name, at: item.location, path: itemPath))
            } catch let error as SpecError {
                diagnostics.append(contentsOf: error.diagnostics)
            }
        }
        if !diagnostics.isEmpty { throw SpecError(diagnostics) }
        return references
    }

    private func reference(_ name: String, at location: SourceLocation, path: SpecPath) throws -> InheritReference {
        guard !name.isEmpty else {
            throw SpecError(.error("expected a file path, got an empty string", at: location, path: path))
        }
        return InheritReference(name: name, location: location, path: path)
    }
}
