import InvLabCore
import InvLabSpec

/// The nested plugins of an attack (optimizer, regularizers, generator), built from its
/// configuration when the attack is built, so that `invlab validate` reports their mistakes
/// with their own key paths. Building them is cheap: nothing is fitted or trained here.
struct AttackComponents {
    var optimizer: any OptimizerPlugin
    var regularizers: [any RegularizerPlugin]
    var generator: (any GeneratorPlugin)?
    /// LOMMA's surrogates (none unless `augmentation.surrogates` names some).
    var augmentation: ModelAugmentation

    /// Builds every nested plugin; throws one `SpecError` with the diagnostics of all of them.
    init(_ settings: AttackSettings, context: BuildContext) throws {
        var collector = DiagnosticCollector(context)
        let registries = context.registries
        let optimizer = collector.attempt { try registries.optimizers.build(settings.optimizer, context: context) }
        let regularizers = settings.regularizers.map { node in collector.attempt { try registries.regularizers.build(node, context: context) } }
        let generator = settings.search.generator.flatMap { node in collector.attempt { try registries.generators.build(node, context: context) } }
        let augmentation = ModelAugmentation.build(settings.augmentation, context: context, collector: &collector)
        guard collector.diagnostics.isEmpty, let optimizer else { throw SpecError(collector.diagnostics) }
        self.augmentation = augmentation
        self.optimizer = optimizer
        self.regularizers = regularizers.compactMap { $0 }
        self.generator = generator
    }
}
