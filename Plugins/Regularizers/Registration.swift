import InvLabCore

/// Registers every plugin of this module.
public enum InvLabRegularizersModule {
    public static let name = "InvLabRegularizers"

    public static func register(into registries: inout Registries) throws {
    }
}
