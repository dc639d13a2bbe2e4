import InvLabCore

/// Registers every plugin of this module.
public enum InvLabOptimizersModule {
    public static let name = "InvLabOptimizers"

    public static func register(into registries: inout Registries) throws {
        try registries.register(GradientDescentOptimizer.self, module: name)
        try registries.register(MomentumOptimizer.self, module: name)
        try registries.register(NesterovOptimizer.self, module: name)
        try registries.register(AdamOptimizer.self, module: name)
        try registries.register(SignGradientOptimizer.self, module: name)
    }
}
