import InvLabCore

/// Registers every plugin of this module.
public enum InvLabRegularizersModule {
    public static let name = "InvLabRegularizers"

    public static func register(into registries: inout Registries) throws {
        try registries.register([
            L2Regularizer.self, L1Regularizer.self, TotalVariationRegularizer.self, DenoisingPriorRegularizer.self,
            DiscriminatorPriorRegularizer.self, LatentNormRegularizer.self, RealismPriorRegularizer.self], module: name)
    }
}
