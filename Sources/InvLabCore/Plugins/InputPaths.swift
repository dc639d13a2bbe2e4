import Foundation
import InvLabSpec

/// A file or folder named in a spec that a plugin will read at run time (an `image_folder`'s
/// `path`, a recognizer's `weights`, an `idx` pair). Plugins record them while they are built,
/// without touching the disk; validation then checks them, so that a wrong path is a spec
/// error at its key instead of a run of failed trials.
public struct InputPath: Equatable, Sendable {
    /// Which recorded paths a command checks: `all` for a run; `data` (paths under `data:`) for
    /// the commands that only read the data (`invlab data preview|export`), so that the data can be
    /// exported before the model file a later step makes (e.g. a model trained on that data) exists.
    public enum Scope: Sendable {
        case all, data
        /// True when a path at `path` is checked in this scope.
        public func includes(_ path: SpecPath) -> Bool {
            self == .all || path.components.first == .key("data")
        }
    }

    /// What the plugin expects at the path.
    public enum Kind: String, Sendable { case file, folder }
    /// The path as written in the spec.
    public var written: String
    /// The path resolved against the spec's directory.
    public var url: URL
    /// The directory relative paths resolve against.
    public var specDirectory: URL
    public var kind: Kind
    /// Where the value is written (the plugin's mapping when the key has its default).
    public var location: SourceLocation
    /// Key path of the value, e.g. `data.source.path`.
    public var path: SpecPath
    /// True when the spec does not set the key and the plugin's default path is used.
    public var isDefault = false
    /// How to make the file when it is missing (e.g. the command that writes it); shown as a note.
    public var hint: String? = nil

    /// The error for a path that is missing, of the wrong kind or unreadable; nil when usable.
    public func problem(fileManager: FileManager = .default) -> Diagnostic? {
        var isDirectory: ObjCBool = false
        let resolved = url.path
        let exists = fileManager.fileExists(atPath: resolved, isDirectory: &isDirectory)
        let reason: String? = !exists ? "does not exist"
            : isDirectory.boolValue != (kind == .folder) ? "is a \(isDirectory.boolValue ? "folder" : "file"), not a \(kind.rawValue)"
            : !fileManager.isReadableFile(atPath: resolved) ? "cannot be read (permission denied)" : nil
        guard let reason else { return nil }
        var notes: [String] = []
        if isDefault { notes.append("'\(path.lastKey ?? "")' is not set in the spec; this is its default") }
        if !exists, let hint { notes.append(hint) }
        if !written.hasPrefix("/") { notes.append("relative paths resolve against the directory of the spec file (\(specDirectory.path))") }
        let shown = written == resolved ? "" : " (resolved to \(resolved))"
        return .error("\(kind.rawValue) '\(written)' \(reason)\(shown)", at: location, path: path, notes: notes)
    }
}

/// The input paths recorded while plugins are built. A reference type so that every copy of a
/// `BuildContext` (nested plugins get copies) records into the same log.
///
/// @unchecked Sendable: copies of a `BuildContext` share it; `lock` guards `paths` (every read
/// and write).
public final class InputPathLog: @unchecked Sendable {
    private let lock = NSLock()
    private var paths: [InputPath] = []

    public init() {}

    /// Records a path.
    public func append(_ path: InputPath) {
        lock.lock(); defer { lock.unlock() }
        paths.append(path)
    }

    /// Every path recorded so far, in order.
    public var recorded: [InputPath] {
        lock.lock(); defer { lock.unlock() }
        return paths
    }

    /// The problems of the recorded paths, each distinct problem once.
    public func problems(in scope: InputPath.Scope = .all, fileManager: FileManager = .default) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for path in recorded where scope.includes(path.path) {
            if let problem = path.problem(fileManager: fileManager), !diagnostics.contains(problem) { diagnostics.append(problem) }
        }
        return diagnostics
    }
}
