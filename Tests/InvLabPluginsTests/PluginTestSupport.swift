import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabSpec
import Testing

/// Builds plugins from YAML text the way a spec does: text -> `PluginNode` at a spec path -> the
/// registry of the plugin's kind. Each kind's test kit calls it with its file name and key path.
enum PluginYAML {
    static func build<Instance>(_ yaml: String, file: String, at path: SpecPath, kind: KeyPath<Registries, Registry<Instance>>,
                                seed: UInt64 = 7, cache: SourceCache = SourceCache(), registries: Registries? = nil) throws -> Instance {
        let registries = try registries ?? Builtins.registries()
        let node = try YAMLLoader().parse(yaml, file: file, cache: cache)
        let reference = try decode(PluginNode.self, from: node, at: path)
        let context = BuildContext(specDirectory: URL(fileURLWithPath: "/tmp"), seed: seed, registries: registries)
        return try registries[keyPath: kind].build(reference, context: context)
    }

    /// The diagnostics `build` throws, rendered with the cache the YAML text was loaded into, or
    /// "(built without error)".
    static func diagnostics(_ build: (SourceCache) throws -> Void) -> String {
        let cache = SourceCache()
        do {
            try build(cache)
            return "(built without error)"
        } catch let error as SpecError {
            return error.rendered(with: cache)
        } catch {
            return "unexpected error: \(error)"
        }
    }
}
