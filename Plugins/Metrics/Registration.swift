import InvLabCore

/// Registers every plugin of this module.
public enum InvLabMetricsModule {
    public static let name = "InvLabMetrics"

    public static func register(into registries: inout Registries) throws {
    }
}
