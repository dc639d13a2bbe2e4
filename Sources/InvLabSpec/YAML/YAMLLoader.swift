import Foundation

/// Reads one YAML spec file into a located `Node` tree.
///
/// Checks run in this order, each failing with a `SpecError`: the file can be read and is no
/// larger than `limits.maximumFileSize`; it is UTF-8 text without NUL bytes; libyaml parses it;
/// it holds exactly one document; keys are unique scalars; tags are supported; aliases expand
/// to at most `limits.maximumNodeCount` nodes; nesting stays within `limits.maximumDepth`.
/// The text of every file read is stored in the `SourceCache` so errors can quote it.
public struct YAMLLoader: Sendable {
    /// The bounds applied to every document.
    public let limits: YAMLLimits

    /// Creates a loader with the given limits.
    public init(limits: YAMLLimits = .default) {
        self.limits = limits
    }

    /// Reads and parses the file at `file` (the path is also the name shown in diagnostics).
    /// - Throws: `SpecError`.
    public func load(file: String, cache: SourceCache) throws -> Node {
        try parse(bytes: try readBytes(of: file), file: file, cache: cache)
    }

    /// Parses `text` as if it were the content of `file`.
    /// - Throws: `SpecError`.
    public func parse(_ text: String, file: String, cache: SourceCache) throws -> Node {
        try parse(bytes: Array(text.utf8), file: file, cache: cache)
    }

    /// Parses raw bytes; the entry point shared by `load` and `parse`.
    func parse(bytes: [UInt8], file: String, cache: SourceCache) throws -> Node {
        if bytes.count > limits.maximumFileSize {
            throw SpecError(.error("\(file): file is too large for a spec (\(bytes.count) bytes; the limit is \(limits.maximumFileSize))"))
        }
        if let problem = TextEncodingCheck.firstProblem(in: bytes, file: file) {
            throw SpecError(problem)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        cache.store(text: text, for: file)
        return try buildTree(bytes: bytes, lines: SourceCache.splitLines(text), file: file)
    }

    private func buildTree(bytes: [UInt8], lines: [String], file: String) throws -> Node {
        let reader = LibYAMLEventReader(bytes: bytes, lines: lines, file: file)
        var builder = NodeTreeBuilder(file: file, limits: limits)
        var fatal: Diagnostic?
        reading: while true {
            switch reader.next() {
            case .failure(let syntaxError):
                fatal = syntaxError
                break reading
            case .success(let event):
                if !builder.handle(event) { break reading }
                if case .streamEnd = event { break reading }
            }
        }
        let diagnostics = builder.diagnostics + (fatal.map { [$0] } ?? [])
        if !diagnostics.isEmpty { throw SpecError(diagnostics) }
        guard builder.documentCount > 0, let root = builder.root, !Self.isEmptyDocument(root) else {
            throw SpecError(.error("spec file is empty: expected a mapping that starts with 'version: 1'",
                                   at: SourceLocation(file: file, line: 1, column: 1)))
        }
        return root
    }

    /// A document with no content at all (`---` alone): an untagged, unquoted empty scalar.
    private static func isEmptyDocument(_ root: Node) -> Bool {
        guard let scalar = root.scalar else { return false }
        return scalar.text.isEmpty && scalar.style == .plain && scalar.tag == nil
    }

    /// The file's bytes, refusing missing files, directories and files over the size limit
    /// (checked before reading, so a huge file is never loaded into memory).
    private func readBytes(of file: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            throw SpecError(.error("cannot read spec file '\(file)': no such file"))
        }
        if isDirectory.boolValue {
            throw SpecError(.error("cannot read spec file '\(file)': it is a directory"))
        }
        if let size = (try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber,
           size.intValue > limits.maximumFileSize {
            throw SpecError(.error("\(file): file is too large for a spec (\(size.intValue) bytes; the limit is \(limits.maximumFileSize))"))
        }
        guard let handle = FileHandle(forReadingAtPath: file) else {
            throw SpecError(.error("cannot read spec file '\(file)': permission denied"))
        }
        defer { try? handle.close() }
        do {
            let data = try handle.read(upToCount: limits.maximumFileSize + 1) ?? Data()
            return [UInt8](data)
        } catch {
            throw SpecError(.error("cannot read spec file '\(file)': \(error.localizedDescription)"))
        }
    }
}
