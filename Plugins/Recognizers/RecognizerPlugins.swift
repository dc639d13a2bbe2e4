import Foundation
import InvLabCore
import InvLabNN
import InvLabSpec

/// Keys every recognizer shares: how it is trained, or which weights to load instead.
public protocol TrainableRecognizerConfiguration: SpecConfig {
    var train: TrainingConfig { get }
    var weights: String? { get }
}

/// A recognizer whose plugin value is its configuration plus the checked `weights:` file.
public protocol ConfiguredRecognizer: RecognizerPlugin where Configuration: TrainableRecognizerConfiguration {
    var configuration: Configuration { get }
    init(configuration: Configuration, weights: URL?)
}

extension ConfiguredRecognizer {
    /// Builds the training optimizer once so that a bad `train.optimizer` is reported at
    /// validation, and records the `weights:` file so that validation checks it exists.
    public init(configuration: Configuration, context: BuildContext) throws {
        _ = try context.registries.optimizers.build(configuration.train.optimizer, context: context)
        self.init(configuration: configuration, weights: configuration.weights.map { context.inputFile($0, key: "weights") })
    }

    public var training: TrainingConfig { configuration.train }
}

let trainDoc = "How the network is trained (epochs, batch size, optimizer plugin, validation, early stopping, augmentation)."
let weightsDoc = "A safetensors file to load instead of training (relative to the spec file); tensor names as in the architecture's documentation, e.g. a PyTorch state_dict saved with safetensors."

/// Multinomial logistic regression on pixels: `[Flatten, Linear]` (tensors `1.weight`, `1.bias`).
/// Fredrikson et al. (CCS 2015) attack this model on ORL faces.
public struct SoftmaxRegressionRecognizer: ConfiguredRecognizer {
    public struct Configuration: TrainableRecognizerConfiguration {
        public var train = TrainingConfig()
        public var weights: String? = nil
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("train", \.train, doc: trainDoc), SpecField("weights", \.weights, doc: weightsDoc),
        ] }
    }
    public static let id = "softmax_regression"
    public static let summary = "Softmax (multinomial logistic) regression on raw pixels, Fredrikson et al. 2015's first target."
    public static let documentation = "PyTorch equivalent: nn.Sequential(nn.Flatten(), nn.Linear(C*H*W, classes))."
    public static let example = """
        type: softmax_regression
        train: {epochs: 50, batch_size: 32, optimizer: {type: adam, lr: 0.001}}
        """
    public let configuration: Configuration
    public let weights: URL?
    public init(configuration: Configuration, weights: URL?) { (self.configuration, self.weights) = (configuration, weights) }
    public func architecture(inputShape: [Int], classes: Int) throws -> Sequential {
        ClassifierArchitectures.softmaxRegression(inputShape: inputShape, classes: classes)
    }
}

/// A fully connected network with ReLU hidden layers (Fredrikson et al. 2015's MLP target had
/// one hidden layer of 3,000 sigmoid units; `activation: sigmoid` reproduces it).
public struct MLPRecognizer: ConfiguredRecognizer {
    public enum ActivationName: String, SpecEnum { case relu, sigmoid, tanh }
    public struct Configuration: TrainableRecognizerConfiguration {
        public var hidden = [512]
        public var activation = ActivationName.relu
        public var dropout = 0.0
        public var train = TrainingConfig()
        public var weights: String? = nil
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("hidden", \.hidden, doc: "Widths of the hidden layers.", check: { $0.allSatisfy { $0 >= 1 } ? nil : "expected positive layer widths" }),
            SpecField("activation", \.activation, doc: "Hidden-layer nonlinearity."),
            SpecField("dropout", \.dropout, doc: "Dropout rate after every hidden layer.", range: 0..<1),
            SpecField("train", \.train, doc: trainDoc), SpecField("weights", \.weights, doc: weightsDoc),
        ] }
    }
    public static let id = "mlp"
    public static let summary = "Multilayer perceptron on pixels (hidden widths, activation and dropout configurable)."
    public static let documentation = "Tensor names: `[Flatten, (Linear, activation, Dropout?)..., Linear]` numbered as nn.Sequential."
    public static let example = """
        type: mlp
        hidden: [256]
        train: {epochs: 40, optimizer: {type: adam, lr: 0.001}}
        """
    public let configuration: Configuration
    public let weights: URL?
    public init(configuration: Configuration, weights: URL?) { (self.configuration, self.weights) = (configuration, weights) }
    public func architecture(inputShape: [Int], classes: Int) throws -> Sequential {
        let activation: Activation.Kind = configuration.activation == .relu ? .relu : (configuration.activation == .sigmoid ? .sigmoid : .tanh)
        return ClassifierArchitectures.mlp(inputShape: inputShape, hidden: configuration.hidden, classes: classes,
                                           dropout: Float(configuration.dropout), activation: activation)
    }
}

/// A small convolutional network: per entry of `channels` a convolution, optional batch norm,
/// ReLU and 2x2 max pooling; then fully connected layers.
public struct CNNRecognizer: ConfiguredRecognizer {
    public struct Configuration: TrainableRecognizerConfiguration {
        public var channels = [32, 64, 128]
        public var kernel = 3
        public var batchNorm = false
        public var hidden = [256]
        public var dropout = 0.0
        public var train = TrainingConfig()
        public var weights: String? = nil
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("channels", \.channels, doc: "Output channels of each convolution stage (each halves the image with 2x2 max pooling).",
                      check: { $0.isEmpty || !$0.allSatisfy({ $0 >= 1 }) ? "expected a non-empty list of positive channel counts" : nil }),
            SpecField("kernel", \.kernel, doc: "Convolution kernel size (odd; padding keeps the size).",
                      check: { $0 >= 1 && $0 <= 11 && $0 % 2 == 1 ? nil : "expected an odd kernel size in [1, 11], got \($0)" }),
            SpecField("batch_norm", \.batchNorm, doc: "Batch normalisation after each convolution."),
            SpecField("hidden", \.hidden, doc: "Widths of the fully connected hidden layers.", check: { $0.allSatisfy { $0 >= 1 } ? nil : "expected positive layer widths" }),
            SpecField("dropout", \.dropout, doc: "Dropout rate after every hidden layer.", range: 0..<1),
            SpecField("train", \.train, doc: trainDoc), SpecField("weights", \.weights, doc: weightsDoc),
        ] }
    }
    public static let id = "cnn"
    public static let summary = "Convolutional network (widths, depth, kernel, batch norm, hidden layers from config)."
    public static let documentation = """
        Tensor names follow nn.Sequential: `[(Conv2d, BatchNorm2d?, ReLU, MaxPool2d(2))..., Flatten, (Linear, ReLU, Dropout?)..., Linear]`. \
        The W2/W3 benchmark network is `channels: [32, 64, 128], hidden: [256]` on 64x64 grey images.
        """
    public static let example = """
        type: cnn
        channels: [16, 32]
        hidden: [128]
        train: {epochs: 30, batch_size: 32, optimizer: {type: adam, lr: 0.001}}
        """
    public let configuration: Configuration
    public let weights: URL?
    public init(configuration: Configuration, weights: URL?) { (self.configuration, self.weights) = (configuration, weights) }
    public func architecture(inputShape: [Int], classes: Int) throws -> Sequential {
        let side = min(inputShape[1], inputShape[2]) >> configuration.channels.count
        guard side >= 1 else {
            throw DataError("cnn: \(configuration.channels.count) pooling stages shrink a \(inputShape[1])x\(inputShape[2]) image below one pixel; use fewer channels entries")
        }
        return ClassifierArchitectures.cnn(inputShape: inputShape, channels: configuration.channels, kernel: configuration.kernel,
                                           batchNorm: configuration.batchNorm, hidden: configuration.hidden, classes: classes,
                                           dropout: Float(configuration.dropout))
    }
}

/// A small ResNet (He et al. 2016) for evaluation classifiers.
public struct ResNetRecognizer: ConfiguredRecognizer {
    public struct Configuration: TrainableRecognizerConfiguration {
        public var widths = [16, 32, 64]
        public var blocksPerStage = 1
        public var train = TrainingConfig()
        public var weights: String? = nil
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("widths", \.widths, doc: "Channels of each stage (stride 2 at the start of every stage after the first).",
                      check: { $0.isEmpty || !$0.allSatisfy({ $0 >= 1 }) ? "expected a non-empty list of positive widths" : nil }),
            SpecField("blocks_per_stage", \.blocksPerStage, doc: "Residual blocks per stage.", range: 1...16),
            SpecField("train", \.train, doc: trainDoc), SpecField("weights", \.weights, doc: weightsDoc),
        ] }
    }
    public static let id = "resnet"
    public static let summary = "Small residual network with batch norm and global average pooling (for evaluation classifiers)."
    public static let documentation = """
        Layout: `[Conv2d 3x3, BatchNorm2d, ReLU, ResidualBlock..., GlobalAveragePool, Linear]`; a block's tensors are \
        `conv1`, `bn1`, `conv2`, `bn2` and, when the shape changes, `shortcut.0` (1x1 conv) and `shortcut.1` (batch norm).
        """
    public static let example = """
        type: resnet
        widths: [16, 32]
        train: {epochs: 30, optimizer: {type: adam, lr: 0.001}, augment: {noise: 0.05, shift: 2, blur: 0.3}}
        """
    public let configuration: Configuration
    public let weights: URL?
    public init(configuration: Configuration, weights: URL?) { (self.configuration, self.weights) = (configuration, weights) }
    public func architecture(inputShape: [Int], classes: Int) throws -> Sequential {
        ClassifierArchitectures.resnet(inputShape: inputShape, widths: configuration.widths,
                                       blocksPerStage: configuration.blocksPerStage, classes: classes)
    }
}
