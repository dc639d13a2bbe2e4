import InvLabCore

/// Registers every plugin of this module.
public enum InvLabDummyRecognizerModule {
    public static let name = "InvLabDummyRecognizer"

    public static func register(into registries: inout Registries) throws {
    }
}
