import InvLabCore

/// Registers every plugin of this module.
public enum InvLabRegularizersModule {
    public static let name = "InvLabRegularizers"

    public static func register(into registries: inout Registries) throws {
        try registries.register(L2Regularizer.self, module: name)
        try registries.register(L1Regularizer.self, module: name)
        try registries.register(TotalVariationRegularizer.self, module: name)
        try registries.register(DenoisingPriorRegularizer.self, module: name)
        try registries.register(DiscriminatorPriorRegularizer.self, module: name)
        try registries.register(LatentNormRegularizer.self, module: name)
        try registries.register(RealismPriorRegularizer.self, module: name)
    }
}
