import InvLabSpec

/// A miniature experiment spec, standing in for the Core's, to exercise decoding end to end.
struct TestSpec: SpecConfig, Equatable {
    var version = 1
    var name = "experiment"
    var seed = 0
    var data = DataSection()
    var attack = AttackSection()
    var defense: PluginNode?
    var sweep: Sweep?

    static var fields: [SpecField<TestSpec>] {
        [
            SpecField("version", \.version, doc: "Spec format version.", required: true,
                      check: { $0 == 1 ? nil : "unsupported spec version \($0); this invlab reads version 1" }),
            SpecField("name", \.name, doc: "Experiment name, used for the run directory."),
            SpecField("seed", \.seed, doc: "Seed of every random generator.", range: 0...),
            SpecField("data", \.data, doc: "The private training data."),
            SpecField("attack", \.attack, doc: "The model-inversion attack."),
            SpecField("defense", \.defense, doc: "Defense applied to the target model, if any."),
            SpecField("sweep", \.sweep, doc: "Values to sweep over."),
        ]
    }
}

enum DataSplit: String, SpecEnum, Equatable {
    case train, test, validation
}

struct DataSection: SpecConfig, Equatable {
    var dataset = ""
    var imageSize = 64
    var split: DataSplit = .train
    var classes: [Int] = []

    static var fields: [SpecField<DataSection>] {
        [
            SpecField("dataset", \.dataset, doc: "Dataset id.", required: true),
            SpecField("image_size", \.imageSize, doc: "Side of the square images, in pixels.", range: 8...1024),
            SpecField("split", \.split, doc: "Which split the attack targets."),
            SpecField("classes", \.classes, doc: "Classes to use (empty: all)."),
        ]
    }
}

enum OptimizerKind: String, SpecEnum, Equatable {
    case sgd, adam, lbfgs
}

struct AttackSection: SpecConfig, Equatable {
    var steps = 100
    var learningRate = 0.1
    var optimizer: OptimizerKind = .adam
    var regularizers: [PluginNode] = []
    var targetClasses: [Int]?
    var scale: Float = 1
    var clip = false

    static var fields: [SpecField<AttackSection>] {
        [
            SpecField("steps", \.steps, doc: "Optimisation steps per target.", range: 1...),
            SpecField("learning_rate", \.learningRate, doc: "Step size.", bounds: .greaterThan(0)),
            SpecField("optimizer", \.optimizer, doc: "Optimiser of the reconstruction."),
            SpecField("regularizers", \.regularizers, doc: "Image priors added to the loss."),
            SpecField("target_classes", \.targetClasses, doc: "Identities to reconstruct (null: all)."),
            SpecField("scale", \.scale, doc: "Pixel scale.", range: 0...1),
            SpecField("clip", \.clip, doc: "Clip pixels to [0, 1] after each step."),
        ]
    }

    /// A key that moved: reported with its note, not as unknown.
    static var movedKeys: [String: String] { ["lr": "write the step size as `learning_rate`"] }

    /// Cross-field check: L-BFGS takes no learning rate below 1.
    func validate(at path: SpecPath, node: Node, context: inout DecodingContext) {
        if optimizer == .lbfgs && learningRate < 1 {
            context.error("lbfgs needs a learning_rate of at least 1, got \(learningRate)",
                          at: node["learning_rate"] ?? node, path: path.appending("learning_rate"))
        }
    }
}

enum TVNorm: String, SpecEnum {
    case l1, l2
}

/// The options of a stand-in `total_variation` regularizer plugin.
struct TotalVariationConfig: SpecConfig {
    var weight = 0.05
    var norm: TVNorm = .l1

    static var fields: [SpecField<TotalVariationConfig>] {
        [
            SpecField("weight", \.weight, doc: "Multiplier of the penalty.", range: 0...),
            SpecField("norm", \.norm, doc: "Norm of the image gradients."),
        ]
    }
}

/// The options of a stand-in `l2` regularizer plugin.
struct L2Config: SpecConfig {
    var weight = 1.0

    static var fields: [SpecField<L2Config>] {
        [SpecField("weight", \.weight, doc: "Multiplier of the penalty.", range: 0...)]
    }
}

/// What the Core will do: decode the spec, then each regularizer with its plugin's config,
/// all diagnostics in one pass.
func decodeTestSpec(_ node: Node) throws -> TestSpec {
    var context = DecodingContext()
    let spec = decode(TestSpec.self, from: node, context: &context)
    for plugin in spec?.attack.regularizers ?? [] {
        switch plugin.id {
        case "total_variation":
            _ = plugin.decodeOptions(as: TotalVariationConfig.self, context: &context)
        case "l2":
            _ = decode(L2Config.self, from: plugin.options, at: plugin.path, context: &context)
        default:
            context.report(.unknownName("regularizer", plugin.id, known: ["total_variation", "l2"],
                                        listLabel: "known regularizers", at: plugin.idLocation, path: plugin.idPath))
        }
    }
    if let spec, !context.hasErrors { return spec }
    throw SpecError(context.diagnostics)
}
