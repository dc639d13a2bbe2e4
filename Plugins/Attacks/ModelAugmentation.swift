import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor

/// LOMMA's model augmentation (Nguyen et al., "Re-thinking Model Inversion Attacks Against Deep
/// Neural Networks", CVPR 2023, section 4.2): surrogate recognizers distilled from the target on
/// public data, attacked together with it (the identity loss averaged over the target and the
/// surrogates), so that the search finds features of the identity rather than of one network.
public struct ModelAugmentationConfig: SpecConfig, Equatable, Sendable {
    public var surrogates: [PluginNode] = []
    public var flips = true

    public init() {}

    public static var fields: [SpecField<Self>] { [
        SpecField("surrogates", \.surrogates, doc: "Recognizer plugins (architecture and `train:`, validation_fraction 0) distilled from the target's published probabilities on the public faces; empty: no augmentation (LOMMA uses three, e.g. {type: cnn, channels: [16, 32], hidden: [128]})."),
        SpecField("flips", \.flips, doc: "Also distil on the public faces mirrored left-right (each probe is one query to the target)."),
    ] }
}

/// The surrogates of an attack, ready to distil.
struct ModelAugmentation {
    let distillers: [StudentDistiller]

    /// Builds every surrogate's recognizer, found at `<context.path>.augmentation.surrogates[i]`.
    static func build(_ config: ModelAugmentationConfig, context: BuildContext, collector: inout DiagnosticCollector) -> ModelAugmentation {
        let distillers = config.surrogates.enumerated().compactMap { index, node -> StudentDistiller? in
            let located = node.path.isRoot
                ? PluginNode(id: node.id, options: node.options, path: context.path.appending("augmentation").appending("surrogates").appending(index: index),
                             idLocation: context.location, location: context.location)
                : node
            return StudentDistiller.build(located, name: "augmentation surrogate \(index)", context: context, collector: &collector)
        }
        return ModelAugmentation(distillers: distillers)
    }

    /// The probes the surrogates learn from: the public faces, and their mirror images with `flips`.
    static func probes(_ config: ModelAugmentationConfig, publicImages: Tensor) -> Tensor {
        config.flips ? Tensor.concatenate([publicImages, LambdaProbe.mirrored(publicImages)], alongAxis: 0) : publicImages
    }

    /// Distils every surrogate from `model`'s published probabilities on the probes; returns the
    /// surrogates as published models and the queries spent (one per probe).
    func distil(from model: any PublishedModel, config: ModelAugmentationConfig,
                resources: AttackResources) throws -> (surrogates: [any PublishedModel], queries: Int) {
        guard !distillers.isEmpty else { return ([], 0) }
        let publicImages = resources.data.publicSet.images
        guard publicImages.shape[0] > 0 else {
            throw AttackError("model augmentation distils its surrogates on the public set, but this experiment has no public images; add a public split or source to `data`")
        }
        let probes = Self.probes(config, publicImages: publicImages)
        let outputs = probes.mappingRowChunks(SearchProblem.queryChunk) { model.query($0) }
        let surrogates: [any PublishedModel] = try distillers.map {
            NetworkModel(try $0.train(inputs: probes, targets: outputs, classes: model.classes, resources: resources))
        }
        return (surrogates, probes.shape[0])
    }
}
