import InvLabCore

/// Registers every plugin of this module.
public enum InvLabJudgesModule {
    public static let name = "InvLabJudges"

    public static func register(into registries: inout Registries) throws {
        try registries.register(NetworkJudgePlugin.self, module: name)
        try registries.register(FisherfacesJudgePlugin.self, module: name)
    }
}
