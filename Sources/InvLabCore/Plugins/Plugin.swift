import Foundation
import InvLabSpec

/// The kinds of plugins. Each kind is a protocol in the Core with its own registry; the
/// implementations live in one library target per kind under `Plugins/`.
public enum PluginKind: String, CaseIterable, Sendable, SpecEnum {
    case dataset, recognizer, generator, regularizer, optimizer, attack, defense, metric, judge

    /// The noun used in messages ("unknown regularizer 'x'").
    public var noun: String { rawValue }
    /// Plural, for headings.
    public var plural: String { self == .dataset ? "datasets" : rawValue + "s" }
}

/// What every plugin provides: a stable snake_case id, documentation, a typed configuration
/// whose every key has a documented default, an example, and a constructor.
///
/// Construction must be cheap and must not allocate tensors or touch the disk: `invlab validate`
/// builds every plugin of a spec to check it. Heavy work happens in the kind's run-time methods.
/// A file or folder the plugin will read is named with `context.inputFile(_:key:)` or
/// `context.inputFolder(_:key:)`, so that validation checks it exists before anything runs.
///
/// Plugin types and their configuration types are `SendableMetatype` (their conformances are not
/// actor-isolated), so that the registries' build closures, which name them, are `@Sendable`.
public protocol Plugin: SendableMetatype {
    associatedtype Configuration: SpecConfig & SendableMetatype
    /// The id written in specs (`type: total_variation`).
    static var id: String { get }
    /// One line for catalogues.
    static var summary: String { get }
    /// What the plugin implements (paper, equation) and where it deviates; may be empty.
    static var documentation: String { get }
    /// A YAML mapping that builds this plugin, `type:` included; it must decode and build.
    static var example: String { get }

    /// Builds the plugin from its decoded configuration. Throw `SpecError` (with the
    /// context's locations) for semantic problems the configuration types cannot express.
    init(configuration: Configuration, context: BuildContext) throws
}

extension Plugin {
    public static var documentation: String { "" }
}

/// What a plugin may use while it is built: its place in the spec, where relative paths
/// resolve, a seed derived for it, and the registries (to build nested plugins).
public struct BuildContext {
    /// Key path of the plugin's mapping in the spec (for messages), e.g. `attack.regularizers[1]`.
    public var path: SpecPath
    /// Location of the plugin's mapping.
    public var location: SourceLocation
    /// Directory of the spec file; relative paths in a spec resolve against it.
    public var specDirectory: URL
    /// The spec's seed; components derive their own streams from it by name.
    public var seed: UInt64
    /// Every registered plugin (to build nested plugins such as an attack's regularizers).
    public var registries: Registries
    /// The names of the trial's judge panel, in order (metrics declare per-judge columns).
    public var judgeNames: [String] = []
    /// The plugin's own keys as written (set by `Registry.build`), to locate a key's value.
    public var options: Node = .mapping([])
    /// Files and folders that plugins built with this context, or a copy of it, will read;
    /// `ExperimentPlan.build` checks them once every plugin is built.
    public let inputs = InputPathLog()

    public init(path: SpecPath = .root, location: SourceLocation = .generated, specDirectory: URL,
                seed: UInt64, registries: Registries) {
        self.path = path
        self.location = location
        self.specDirectory = specDirectory
        self.seed = seed
        self.registries = registries
    }

    /// A file path from the spec, resolved against the spec's directory. A path the plugin
    /// will read should go through `inputFile(_:key:)` or `inputFolder(_:key:)` instead.
    public func resolve(_ path: String) -> URL {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path).standardizedFileURL }
        return specDirectory.appendingPathComponent(path).standardizedFileURL
    }

    /// The file at `path` (the value of the plugin's key `key`), resolved against the spec's
    /// directory and recorded so that validation reports it at the key when it is missing;
    /// `hint` (how to make the file) is then shown as a note.
    public func inputFile(_ path: String, key: String, hint: String? = nil) -> URL {
        record(path, key: key, kind: .file, hint: hint)
    }

    /// The folder at `path` (the value of the plugin's key `key`), resolved and recorded like
    /// `inputFile(_:key:)`.
    public func inputFolder(_ path: String, key: String) -> URL {
        record(path, key: key, kind: .folder)
    }

    private func record(_ path: String, key: String, kind: InputPath.Kind, hint: String? = nil) -> URL {
        let url = resolve(path)
        inputs.append(InputPath(written: path, url: url, specDirectory: specDirectory, kind: kind, location: options[key]?.location ?? location,
                                path: self.path.appending(key), isDefault: options[key] == nil, hint: hint))
        return url
    }

    /// A semantic error at this plugin's location (or a more precise one), as a `SpecError`.
    public func error(_ message: String, key: String? = nil, at location: SourceLocation? = nil,
                      notes: [String] = []) -> SpecError {
        SpecError(.error(message, at: location ?? self.location, path: key.map { path.appending($0) } ?? path, notes: notes))
    }
}
