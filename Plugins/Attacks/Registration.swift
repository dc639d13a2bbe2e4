import InvLabCore

/// Registers every plugin of this module.
public enum InvLabAttacksModule {
    public static let name = "InvLabAttacks"

    public static func register(into registries: inout Registries) throws {
        try registries.register([
            GradientAttack.self, QueryAttack.self, LambdaAwareAttack.self, SurrogateAttack.self,
            KEDMIAttack.self, PLGMIAttack.self, GeneticAttack.self, BoundaryRepulsionAttack.self], module: name)
    }
}
