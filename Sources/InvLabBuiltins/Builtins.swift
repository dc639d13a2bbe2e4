import InvLabAttacks
import InvLabCore
import InvLabDatasets
import InvLabDefenses
import InvLabDummyRecognizer
import InvLabGenerators
import InvLabJudges
import InvLabMetrics
import InvLabOptimizers
import InvLabRecognizers
import InvLabRegularizers

/// The plugin modules that ship with InversionLab, registered into one `Registries` value.
///
/// A team that adds a module builds its own `invlab` by calling this and then its module's
/// `register(into:)` (see docs/extending.md).
public enum Builtins {
    /// Every built-in plugin. Throws `RegistrationError` if two modules claim one id.
    public static func registries() throws -> Registries {
        var registries = Registries()
        try register(into: &registries)
        return registries
    }

    /// Adds every built-in plugin to `registries`.
    public static func register(into registries: inout Registries) throws {
        try InvLabDatasetsModule.register(into: &registries)
        try InvLabRecognizersModule.register(into: &registries)
        try InvLabGeneratorsModule.register(into: &registries)
        try InvLabRegularizersModule.register(into: &registries)
        try InvLabOptimizersModule.register(into: &registries)
        try InvLabAttacksModule.register(into: &registries)
        try InvLabDefensesModule.register(into: &registries)
        try InvLabDummyRecognizerModule.register(into: &registries)
        try InvLabMetricsModule.register(into: &registries)
        try InvLabJudgesModule.register(into: &registries)
    }
}
