import Foundation

/// The key path of a node inside a spec, such as `attack.regularizers[1].type`.
///
/// Diagnostics name the path of the offending value (so the message still makes sense when
/// the value came from an inherited file or a `--set`), and `--set` overrides and `sweep:`
/// keys address values by path (see `init(parsing:)`).
public struct SpecPath: Hashable, Sendable, CustomStringConvertible {
    /// One step of a path: a mapping key or a list index.
    public enum Component: Hashable, Sendable {
        /// A key of a mapping.
        case key(String)
        /// A 0-based index into a list.
        case index(Int)
    }

    /// The steps from the root of the spec, outermost first.
    public let components: [Component]

    /// Creates a path from components (empty = the root of the spec).
    public init(_ components: [Component] = []) {
        self.components = components
    }

    /// The empty path: the root of the spec.
    public static let root = SpecPath()

    /// True for the root path.
    public var isRoot: Bool { components.isEmpty }

    /// This path extended by a mapping key.
    public func appending(_ key: String) -> SpecPath {
        SpecPath(components + [.key(key)])
    }

    /// This path extended by a list index.
    public func appending(index: Int) -> SpecPath {
        SpecPath(components + [.index(index)])
    }

    /// This path extended by a component.
    public func appending(_ component: Component) -> SpecPath {
        SpecPath(components + [component])
    }

    /// The last key of the path, if the path ends in a key (used in messages such as
    /// "missing required key 'type'").
    public var lastKey: String? {
        if case .key(let key)? = components.last { return key }
        return nil
    }

    /// Dotted form: `attack.regularizers[1].type`; the root path is the empty string. A key that
    /// could not be written bare (it contains `.`, brackets, `=`, quotes or white space, or is
    /// empty) is shown bracketed and quoted: `sweep["defense.lambda"].step`.
    public var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key) where SpecPath.needsQuoting(key):
                let escaped = key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                text += "[\"\(escaped)\"]"
            case .key(let key):
                if !text.isEmpty { text += "." }
                text += key
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }

    private static func needsQuoting(_ key: String) -> Bool {
        key.isEmpty || key.contains { ".[]=\"\\".contains($0) || $0.isWhitespace }
    }
}

/// A key path that `SpecPath(parsing:)` could not read, with the 0-based offset of the problem.
public struct SpecPathSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, e.g. "expected a key after '.'".
    public let message: String
    /// 0-based offset (in characters) into the parsed text where the problem is.
    public let offset: Int

    /// Creates the error.
    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    /// The message followed by the offset.
    public var description: String { "\(message) (at offset \(offset))" }
}
