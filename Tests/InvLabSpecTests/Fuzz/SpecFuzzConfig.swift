import InvLabSpec

/// The configuration the spec fuzz target decodes: a miniature experiment spec using every
/// kind of `SpecValue` the Core uses (required keys, range checks, enums, optionals, lists,
/// string maps, nested configs, plugin references with options, a sweep, a cross-field check),
/// so that fuzzed YAML reaches every decoding path of InvLabSpec without linking the Core.
struct FuzzSpec: SpecConfig {
    var version = 1
    var name = "fuzz"
    var seed = 0
    var data = FuzzDataSection()
    var attack = FuzzAttackSection()
    var target = PluginNode(id: "")
    var defense: [PluginNode] = []
    var metrics: [String] = []
    var tags: [String: String] = [:]
    var sweep: Sweep?

    static var fields: [SpecField<FuzzSpec>] {
        [
            SpecField("version", \.version, doc: "Spec format version.", required: true,
                      check: { $0 == 1 ? nil : "unsupported spec version \($0)" }),
            SpecField("name", \.name, doc: "Experiment name."),
            SpecField("seed", \.seed, doc: "Seed.", range: 0...Int(Int32.max)),
            SpecField("data", \.data, doc: "Data section."),
            SpecField("attack", \.attack, doc: "Attack section."),
            SpecField("target", \.target, doc: "Target plugin."),
            SpecField("defense", \.defense, doc: "Defense plugins."),
            SpecField("metrics", \.metrics, doc: "Metric ids."),
            SpecField("tags", \.tags, doc: "Free-form labels."),
            SpecField("sweep", \.sweep, doc: "Sweep over key paths."),
        ]
    }
}

enum FuzzSplit: String, SpecEnum {
    case train, test, validation
}

struct FuzzDataSection: SpecConfig {
    var source = PluginNode(id: "synthetic")
    var imageSize = 64
    var split: FuzzSplit = .train
    var classes: [Int]?
    var fraction: Float = 0.5

    static var fields: [SpecField<FuzzDataSection>] {
        [
            SpecField("source", \.source, doc: "Dataset plugin."),
            SpecField("image_size", \.imageSize, doc: "Image side.", range: 8...1024),
            SpecField("split", \.split, doc: "Split."),
            SpecField("classes", \.classes, doc: "Classes."),
            SpecField("fraction", \.fraction, doc: "Fraction.", range: 0...1),
        ]
    }
}

struct FuzzAttackSection: SpecConfig {
    var type = "gradient"
    var steps = 100
    var learningRate = 0.1
    var regularizers: [PluginNode] = []
    var clip = false
    var schedule: [Double] = []

    static var fields: [SpecField<FuzzAttackSection>] {
        [
            SpecField("type", \.type, doc: "Attack id."),
            SpecField("steps", \.steps, doc: "Steps.", range: 1...),
            SpecField("learning_rate", \.learningRate, doc: "Step size.", bounds: .greaterThan(0)),
            SpecField("regularizers", \.regularizers, doc: "Regularizer plugins."),
            SpecField("clip", \.clip, doc: "Clip pixels."),
            SpecField("schedule", \.schedule, doc: "Learning-rate schedule."),
        ]
    }

    func validate(at path: SpecPath, node: Node, context: inout DecodingContext) {
        if clip && learningRate > 1 {
            context.error("clip needs a learning_rate of at most 1", at: node["learning_rate"] ?? node,
                          path: path.appending("learning_rate"))
        }
    }
}

/// Options of a stand-in regularizer plugin (`{type: tv, weight: 0.1, norm: l1}`).
struct FuzzRegularizerOptions: SpecConfig {
    var weight = 0.05
    var norm = "l1"

    static var fields: [SpecField<FuzzRegularizerOptions>] {
        [
            SpecField("weight", \.weight, doc: "Weight.", range: 0...),
            SpecField("norm", \.norm, doc: "Norm."),
        ]
    }
}
