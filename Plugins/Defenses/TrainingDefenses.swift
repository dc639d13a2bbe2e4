import InvLabCore
import InvLabNN
import InvLabSpec

/// Mutual-information regularisation (MID; Wang et al., AAAI 2021): a variational information
/// bottleneck before the classifier head, trained with cross-entropy + beta * KL.
public struct MIDDefense: DefensePlugin {
    public struct Configuration: SpecConfig, Equatable {
        public var beta = 0.01
        public var bottleneck = 64
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("beta", \.beta, doc: "Weight of the KL term (the bound on I(X; Z)); larger is more private and less accurate.",
                      range: 0...100),
            SpecField("bottleneck", \.bottleneck, doc: "Size k of the stochastic bottleneck code Z.", range: 1...65_536),
        ] }
    }

    public static let id = "mid"
    public static let summary = "Mutual-information regularisation (Wang et al. 2021): variational bottleneck + beta * KL during training."
    public static let documentation = """
        T. Wang, Y. Zhang, R. Jia, "Improving Robustness to Model Inversion Attacks via Mutual Information \
        Regularization", AAAI 2021. The target's last Linear layer (width w -> n classes) is replaced by a \
        variational bottleneck (Linear w -> 2k giving mean and log-variance; in training it samples \
        z = mu + exp(logvar/2) * eps) followed by a new Linear k -> n; the loss is cross-entropy + beta * KL( \
        N(mu, exp(logvar)) || N(0, I) ), summed over the k dimensions and averaged over the batch, an upper bound \
        on I(X; Z) (the variational information bottleneck of Alemi et al. 2017). The published model uses the \
        mean code mu (no sampling). Works with every recognizer whose architecture ends in a Linear head \
        (softmax_regression, mlp, cnn, resnet); `weights:` files are for the undefended architecture and do not fit.
        """
    public static let example = """
        type: mid
        beta: 0.01
        bottleneck: 64
        """

    public let configuration: Configuration

    public init(configuration: Configuration, context: BuildContext) throws {
        self.configuration = configuration
    }

    public func adjust(_ recipe: inout TrainingRecipe) throws {
        var layers = recipe.architecture.layers
        if layers.contains(where: { $0 is VariationalBottleneck }) {
            throw DefenseError("mid: the \(recipe.role) already has a variational bottleneck (is `mid` listed twice?)")
        }
        guard let head = layers.last as? Linear else {
            throw DefenseError("mid: the \(recipe.role)'s last layer is \(layers.last?.summary ?? "missing"), not a Linear classifier head; MID inserts its bottleneck before a Linear head")
        }
        layers.removeLast()
        layers.append(VariationalBottleneck(head.inputFeatures, bottleneck: configuration.bottleneck))
        layers.append(Linear(configuration.bottleneck, head.outputFeatures, bias: head.hasBias))
        recipe.architecture = Sequential(layers)
        recipe.architectureName += " + mid"
        recipe.settings.auxiliaryWeights["kl"] = Float(configuration.beta)
        recipe.fingerprint.append("defense:mid " + emitFlowYAML(configuration.specNode))
    }
}

/// Label smoothing with a factor that may be negative (Struppek et al., ICLR 2024).
public struct LabelSmoothingDefense: DefensePlugin {
    public struct Configuration: SpecConfig, Equatable {
        public var factor = -0.05
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("factor", \.factor, doc: """
                Smoothing factor s of the training targets (1 - s) * onehot + s / K: negative (e.g. -0.05) is the \
                defense; positive is ordinary label smoothing, which the paper finds makes inversion easier; 0 is off.
                """, range: -1..<1),
        ] }
    }

    public static let id = "label_smoothing"
    public static let summary = "Train the target with label smoothing; a negative factor defends (Struppek et al. 2024)."
    public static let documentation = """
        L. Struppek, D. Hintersdorf, K. Kersting, "Be Careful What You Smooth For: Label Smoothing Can Be a Privacy \
        Shield but Also a Catalyst for Model Inversion Attacks", ICLR 2024. The target's cross-entropy uses the \
        targets (1 - s) * onehot + s / K: with s < 0 the true class gets more than 1 and the others a negative \
        weight, which the paper shows impedes inversion; with s > 0 (ordinary smoothing) attacks get easier. The \
        factor is constant over training. With factor 0 the training is unchanged and the target is shared with \
        the undefended baseline.
        """
    public static let example = """
        type: label_smoothing
        factor: -0.05
        """

    public let configuration: Configuration

    public init(configuration: Configuration, context: BuildContext) throws {
        self.configuration = configuration
    }

    public func adjust(_ recipe: inout TrainingRecipe) throws {
        guard configuration.factor != 0 else { return }
        recipe.settings.labelSmoothing = Float(configuration.factor)
        recipe.architectureName += " + label_smoothing"
        recipe.fingerprint.append("defense:label_smoothing " + emitFlowYAML(configuration.specNode))
    }
}
