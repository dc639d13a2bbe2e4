import InvLabCore

/// Registers every plugin of this module: the dummy-recognizer defense. A team that writes its
/// own defense module copies this shape: one `register(into:)` that adds each plugin type, called
/// by the executable that wants it (see `Builtins.register(into:)`).
public enum InvLabDummyRecognizerModule {
    public static let name = "InvLabDummyRecognizer"

    public static func register(into registries: inout Registries) throws {
        try registries.register([DummyRecognizerDefense.self], module: name)
    }
}
