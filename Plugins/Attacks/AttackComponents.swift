import InvLabCore
import InvLabSpec

/// The nested plugins of an attack (optimizer, regularizers, generator), built from its
/// configuration when the attack is built, so that `invlab validate` reports their mistakes
/// with their own key paths. Building them is cheap: nothing is fitted or trained here.
struct AttackComponents {
    var optimizer: any OptimizerPlugin
    var regularizers: [any RegularizerPlugin]
    var generator: (any GeneratorPlugin)?

    /// Builds every nested plugin; throws one `SpecError` with the diagnostics of all of them.
    init(_ settings: AttackSettings, context: BuildContext) throws {
        var diagnostics: [Diagnostic] = []
        func attempt<T>(_ body: () throws -> T) -> T? {
            do {
                return try body()
            } catch let error as SpecError {
                diagnostics += error.diagnostics
            } catch {
                diagnostics.append(.error("\(error)", at: context.location, path: context.path))
            }
            return nil
        }
        let registries = context.registries
        let optimizer = attempt { try registries.optimizers.build(settings.optimizer, context: context) }
        let regularizers = settings.regularizers.map { node in attempt { try registries.regularizers.build(node, context: context) } }
        let generator = settings.search.generator.flatMap { node in attempt { try registries.generators.build(node, context: context) } }
        guard diagnostics.isEmpty, let optimizer else { throw SpecError(diagnostics) }
        self.optimizer = optimizer
        self.regularizers = regularizers.compactMap { $0 }
        self.generator = generator
    }
}
