import InvLabCore

/// Registers every plugin of this module.
public enum InvLabDefensesModule {
    public static let name = "InvLabDefenses"

    public static func register(into registries: inout Registries) throws {
    }
}
