import InvLabCore

/// Registers every plugin of this module.
public enum InvLabGeneratorsModule {
    public static let name = "InvLabGenerators"

    public static func register(into registries: inout Registries) throws {
        try registries.register([PCAGenerator.self, VAEGenerator.self, DCGANGenerator.self], module: name)
    }
}
