import InvLabTensor

/// Named, configurable classifier architectures. Each is a flat `Sequential`, so its tensor names
/// are those of the equivalent `torch.nn.Sequential` (`scripts/invlab_torch.py` builds the same
/// modules in PyTorch from the same settings):
///
/// - softmax regression: `[Flatten, Linear]` -> `1.weight`, `1.bias`
/// - MLP: `[Flatten, (Linear, ReLU, Dropout?)..., Linear]`
/// - CNN: `[(Conv2d, BatchNorm2d?, ReLU, MaxPool2d(2))..., Flatten, (Linear, ReLU, Dropout?)..., Linear]`
/// - ResNet: `[Conv2d 3x3, BatchNorm2d, ReLU, ResidualBlock..., GlobalAveragePool, Linear]`
///   (blocks name `conv1`, `bn1`, `conv2`, `bn2`, `shortcut.0`, `shortcut.1` inside their index)
public enum ClassifierArchitectures {
    /// Multinomial logistic regression on raw pixels (Fredrikson et al. 2015's softmax model).
    public static func softmaxRegression(inputShape: [Int], classes: Int) -> Sequential {
        Sequential([Flatten(), Linear(inputShape.reduce(1, *), classes)])
    }

    /// Fully connected network with ReLU hidden layers (Fredrikson et al. 2015 used one hidden
    /// layer of 3000 sigmoid units; the activation is configurable).
    public static func mlp(inputShape: [Int], hidden: [Int], classes: Int, dropout: Float = 0,
                           activation: Activation.Kind = .relu) -> Sequential {
        var layers: [any Layer] = [Flatten()]
        var width = inputShape.reduce(1, *)
        for size in hidden {
            layers += [Linear(width, size), Activation(activation)] as [any Layer]
            if dropout > 0 { layers.append(Dropout(dropout)) }
            width = size
        }
        layers.append(Linear(width, classes))
        return Sequential(layers)
    }

    /// Convolutional network: per entry of `channels` a `kernel x kernel` convolution ("same"
    /// padding), optional batch norm, ReLU and 2x2 max pooling; then fully connected layers.
    public static func cnn(inputShape: [Int], channels: [Int], kernel: Int = 3, batchNorm: Bool = false,
                           hidden: [Int], classes: Int, dropout: Float = 0) -> Sequential {
        var layers: [any Layer] = []
        var shape = [1] + inputShape
        for width in channels {
            let conv = Conv2d(shape[1], width, kernel: kernel, padding: kernel / 2)
            layers.append(conv)
            if batchNorm { layers.append(BatchNorm(width)) }
            layers += [Activation(.relu), Pool2d(.max, kernel: 2)] as [any Layer]
            shape = Pool2d(.max, kernel: 2).outputShape(for: conv.outputShape(for: shape))
        }
        layers.append(Flatten())
        var width = shape.dropFirst().reduce(1, *)
        for size in hidden {
            layers += [Linear(width, size), Activation(.relu)] as [any Layer]
            if dropout > 0 { layers.append(Dropout(dropout)) }
            width = size
        }
        layers.append(Linear(width, classes))
        return Sequential(layers)
    }

    /// A small ResNet (He et al. 2016) for evaluation classifiers: a 3x3 stem of `widths[0]`
    /// channels, then per width `blocksPerStage` residual blocks (stride 2 at the start of
    /// every stage after the first), global average pooling and a linear head.
    public static func resnet(inputShape: [Int], widths: [Int], blocksPerStage: Int, classes: Int) -> Sequential {
        var layers: [any Layer] = [Conv2d(inputShape[0], widths[0], kernel: 3, padding: 1, bias: false),
                                   BatchNorm(widths[0]), Activation(.relu)]
        var current = widths[0]
        for (stage, width) in widths.enumerated() {
            for block in 0..<blocksPerStage {
                layers.append(ResidualBlock(current, width, stride: stage > 0 && block == 0 ? 2 : 1))
                current = width
            }
        }
        layers += [GlobalAveragePool(), Linear(current, classes)] as [any Layer]
        return Sequential(layers)
    }
}
