import InvLabCore

/// Registers every plugin of this module.
public enum InvLabAttacksModule {
    public static let name = "InvLabAttacks"

    public static func register(into registries: inout Registries) throws {
        try registries.register(GradientAttack.self, module: name)
        try registries.register(QueryAttack.self, module: name)
        try registries.register(LambdaAwareAttack.self, module: name)
        try registries.register(SurrogateAttack.self, module: name)
    }
}
