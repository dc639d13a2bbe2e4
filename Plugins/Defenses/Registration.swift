import InvLabCore

/// Registers every plugin of this module: the baseline defenses the article's dummy recognizer
/// is compared with. Output defenses (rounding, top_k, label_only, output_noise) wrap the
/// published model; training defenses (mid, label_smoothing) change how the target is trained.
public enum InvLabDefensesModule {
    public static let name = "InvLabDefenses"

    public static func register(into registries: inout Registries) throws {
        try registries.register([
            RoundingDefense.self, TopKDefense.self, LabelOnlyDefense.self, OutputNoiseDefense.self, MIDDefense.self,
            LabelSmoothingDefense.self], module: name)
    }
}
