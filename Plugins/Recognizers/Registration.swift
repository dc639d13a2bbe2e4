import InvLabCore

/// Registers every plugin of this module.
public enum InvLabRecognizersModule {
    public static let name = "InvLabRecognizers"

    public static func register(into registries: inout Registries) throws {
        try registries.register(SoftmaxRegressionRecognizer.self, module: name)
        try registries.register(MLPRecognizer.self, module: name)
        try registries.register(CNNRecognizer.self, module: name)
        try registries.register(ResNetRecognizer.self, module: name)
    }
}
