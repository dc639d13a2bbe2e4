import InvLabCore

/// Registers every plugin of this module.
public enum InvLabOptimizersModule {
    public static let name = "InvLabOptimizers"

    public static func register(into registries: inout Registries) throws {
        try registries.register([
            GradientDescentOptimizer.self, MomentumOptimizer.self, NesterovOptimizer.self, AdamOptimizer.self,
            SignGradientOptimizer.self], module: name)
    }
}
