import InvLabCore

/// Registers every plugin of this module: the baseline defenses the article's dummy recognizer
/// is compared with. Output defenses (rounding, top_k, label_only, output_noise) wrap the
/// published model; training defenses (mid, label_smoothing) change how the target is trained.
public enum InvLabDefensesModule {
    public static let name = "InvLabDefenses"

    public static func register(into registries: inout Registries) throws {
        try registries.register(RoundingDefense.self, module: name)
        try registries.register(TopKDefense.self, module: name)
        try registries.register(LabelOnlyDefense.self, module: name)
        try registries.register(OutputNoiseDefense.self, module: name)
        try registries.register(MIDDefense.self, module: name)
        try registries.register(LabelSmoothingDefense.self, module: name)
    }
}
