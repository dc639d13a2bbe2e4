import Foundation

/// `--set key.path=value` overrides typed on the command line.

/// The pseudo-file name under which `--set` arguments appear in diagnostics.
public let overrideSourceName = "--set"

/// `root` with one command-line assignment applied, e.g.
/// `attack.regularizers[0].weight=0.05` (from `invlab run spec.yaml --set ...`).
///
/// The value is parsed as YAML, so `0.05`, `true`, `[0.1, 0.2]`, `{type: l2, weight: 1}` and
/// `"quoted"` all work; an empty value is null. Its nodes are located in the pseudo-file
/// `--set` (column = 1-based offset in the argument). When `cache` is given, the assignment is
/// appended to it as the next line of `--set` (the N-th override is line N), so diagnostics
/// can quote it; otherwise the line is 1. Semantics of the path as in `setting(_:to:in:at:)`.
/// - Throws: `SpecError` for a missing `=`, a malformed key path, an unparsable value, or a
///   path that cannot be followed (index past the end, indexing into a scalar).
public func applyOverride(_ assignment: String, to root: Node, cache: SourceCache? = nil,
                          loader: YAMLLoader = YAMLLoader()) throws -> Node {
    try Override(parsing: assignment, cache: cache, loader: loader).applied(to: root)
}

/// One parsed `--set key.path=value` assignment (see `applyOverride(_:to:cache:loader:)`):
/// kept after it is applied so that later checks, such as an override of a swept key, can
/// name its key path and point at it.
public struct Override: Sendable {
    /// The assignment as typed.
    public let text: String
    /// The key path before `=`.
    public let path: SpecPath
    /// Where the key path starts (the pseudo-file `--set`, column 1 of its line).
    public let location: SourceLocation
    /// The text after `=`, trimmed of surrounding spaces (quoted back in suggestions).
    public let valueText: String
    let steps: [NodeSetter.Step]
    let value: Node

    /// Parses `assignment`, appending it to `cache` as the next line of `--set` when given.
    /// - Throws: `SpecError` for a missing `=`, a malformed key path or an unparsable value.
    public init(parsing assignment: String, cache: SourceCache? = nil, loader: YAMLLoader = YAMLLoader()) throws {
        let line = cache?.appendLine(assignment, to: overrideSourceName) ?? 1
        func location(offset: Int) -> SourceLocation {
            SourceLocation(file: overrideSourceName, line: line, column: offset + 1)
        }
        let characters = Array(assignment)
        guard let equals = characters.firstIndex(of: "=") else {
            throw SpecError(.error("an override must look like key.path=value, got '\(assignment)'", at: location(offset: 0),
                                   notes: ["example: --set attack.iterations=200"]))
        }
        let pathText = String(characters[..<equals])
        let components: [(component: SpecPath.Component, offset: Int)]
        do {
            components = try SpecPath.parseComponents(pathText)
        } catch let error as SpecPathSyntaxError {
            throw SpecError(.error("invalid key path '\(pathText)': \(error.message)", at: location(offset: error.offset)))
        }
        let valueText = String(characters[(equals + 1)...])
        text = assignment
        path = SpecPath(components.map(\.component))
        self.location = location(offset: 0)
        self.valueText = valueText.trimmingCharacters(in: .whitespaces)
        value = try parseOverrideValue(valueText, valueOffset: equals + 1, line: line, loader: loader)
        steps = components.map { (component: $0.component, location: Optional(location(offset: $0.offset))) }
    }

    /// `root` with the value written at the key path (semantics of `setting(_:to:in:at:)`).
    /// - Throws: `SpecError` for a path that cannot be followed (index past the end, indexing
    ///   into a scalar or into a key the spec does not have).
    public func applied(to root: Node) throws -> Node {
        try NodeSetter(value: value, overrideValueText: valueText).set(steps[...], in: root, at: .root)
    }
}

/// The YAML value of an override, relocated into the `--set` pseudo-file.
private func parseOverrideValue(_ text: String, valueOffset: Int, line: Int, loader: YAMLLoader) throws -> Node {
    let valueLength = text.unicodeScalars.count
    let isSingleLine = !text.contains(where: \.isNewline)
    let relocate = { (location: SourceLocation) -> SourceLocation in
        if location.line == 1 {
            return SourceLocation(file: overrideSourceName, line: line, column: location.column + valueOffset)
        }
        if isSingleLine {
            // libyaml reports the end of input on the line after the text: point past its end.
            return SourceLocation(file: overrideSourceName, line: line, column: valueOffset + valueLength + 1)
        }
        return SourceLocation(file: overrideSourceName, line: line + location.line - 1, column: location.column)
    }
    if text.allSatisfy({ $0 == " " }) {
        return .null(at: relocate(SourceLocation(file: overrideSourceName, line: 1, column: 1)))
    }
    do {
        return try loader.parse(text, file: overrideSourceName, cache: SourceCache()).relocated(relocate)
    } catch let error as SpecError {
        throw SpecError(error.diagnostics.map { diagnostic in
            var moved = diagnostic
            moved.location = diagnostic.location.map(relocate)
            moved.notes = diagnostic.notes.filter { !$0.contains("\(overrideSourceName):") }
            return moved
        })
    }
}

extension Node {
    /// The same tree with every location (nodes and keys) passed through `transform`.
    func relocated(_ transform: (SourceLocation) -> SourceLocation) -> Node {
        switch content {
        case .scalar:
            return Node(content, at: transform(location))
        case .sequence(let items):
            return Node(.sequence(items.map { $0.relocated(transform) }), at: transform(location))
        case .mapping(let entries):
            let moved = entries.map {
                MappingEntry(key: $0.key, keyLocation: transform($0.keyLocation), value: $0.value.relocated(transform))
            }
            return Node(.mapping(moved), at: transform(location))
        }
    }
}
