import Foundation
import InvLabNN
import InvLabSpec
import InvLabTensor

/// Data augmentation for classifier training. The method notes of the article's evaluation
/// ask for an evaluation classifier that is robust to blur, noise and averaging, so that
/// blurry reconstructions are judged fairly; these operations provide that.
public struct AugmentationConfig: SpecConfig, Equatable, Sendable {
    public var noise: Double = 0
    public var shift: Int = 0
    public var blur: Double = 0
    public var mix: Double = 0
    public var flip: Bool = false
    public var brightness: Double = 0

    public init() {}

    public static var fields: [SpecField<Self>] { [
        SpecField("noise", \.noise, doc: "Standard deviation of Gaussian pixel noise added to each training image (0 = none).", range: 0...1),
        SpecField("shift", \.shift, doc: "Largest random translation in pixels, in each direction (0 = none).", range: 0...32),
        SpecField("blur", \.blur, doc: "Probability of blurring an image with a 3x3 binomial kernel, applied 1-3 times.", range: 0...1),
        SpecField("mix", \.mix, doc: "Probability of replacing an image by a random average of it and another image of the same person.", range: 0...1),
        SpecField("flip", \.flip, doc: "Random horizontal flips."),
        SpecField("brightness", \.brightness, doc: "Largest random brightness and contrast change (fraction).", range: 0...1),
    ] }

    public var isIdentity: Bool { self == AugmentationConfig() }
}

/// How a recognizer is trained: the `train:` mapping of a recognizer plugin.
public struct TrainingConfig: SpecConfig, Equatable, Sendable {
    public var epochs = 30
    public var batchSize = 32
    public var optimizer = PluginNode(id: "adam", options: .mapping([MappingEntry(key: "lr", value: .value(.float(0.001)))]))
    public var validationFraction = 0.0
    public var earlyStoppingPatience = 0
    public var augment = AugmentationConfig()
    public var seed: Int? = nil

    public init() {}

    public static var fields: [SpecField<Self>] { [
        SpecField("epochs", \.epochs, doc: "Passes over the training images.", range: 1...100_000),
        SpecField("batch_size", \.batchSize, doc: "Images per mini-batch.", range: 2...65_536),
        SpecField("optimizer", \.optimizer, doc: "An optimizer plugin (the same implementations attacks use); its schedule applies per epoch."),
        SpecField("validation_fraction", \.validationFraction, doc: "Share of each identity's training images held out for validation.", range: 0..<1),
        SpecField("early_stopping_patience", \.earlyStoppingPatience, doc: "Stop after this many epochs without a lower validation loss and keep the best weights (0 = off; needs validation_fraction > 0).", range: 0...10_000),
        SpecField("augment", \.augment, doc: "Data augmentation of training batches."),
        SpecField("seed", \.seed, doc: "Seed of initialisation and batch order; default: derived from the spec's seed and the model's role."),
    ] }

    public func validate(at path: SpecPath, node: Node, context: inout DecodingContext) {
        if earlyStoppingPatience > 0 && validationFraction == 0 {
            context.error("early_stopping_patience needs validation_fraction > 0", at: node["early_stopping_patience"] ?? node,
                          path: path.appending("early_stopping_patience"))
        }
    }
}

/// Everything that determines a trained classifier, as defenses may change it before training.
public struct TrainingRecipe {
    /// Role of the model (`target`, `evaluator`, `decoy`), for messages and caching.
    public var role: String
    public var architecture: Sequential
    public var architectureName: String
    public var inputShape: [Int]
    public var settings: TrainingSettings
    public var augmentation: AugmentationConfig
    /// Canonical text of everything that determines the trained weights; hashed for the cache.
    /// Defenses that change training append their own description.
    public var fingerprint: [String]

    public init(role: String, architecture: Sequential, architectureName: String, inputShape: [Int],
                settings: TrainingSettings, augmentation: AugmentationConfig, fingerprint: [String]) {
        self.role = role
        self.architecture = architecture
        self.architectureName = architectureName
        self.inputShape = inputShape
        self.settings = settings
        self.augmentation = augmentation
        self.fingerprint = fingerprint
    }
}
