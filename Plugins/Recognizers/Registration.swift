import InvLabCore

/// Registers every plugin of this module.
public enum InvLabRecognizersModule {
    public static let name = "InvLabRecognizers"

    public static func register(into registries: inout Registries) throws {
        try registries.register([
            SoftmaxRegressionRecognizer.self, MLPRecognizer.self, CNNRecognizer.self, ResNetRecognizer.self, ONNXRecognizer.self], module: name)
    }
}
