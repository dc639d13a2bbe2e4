import Foundation
import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor

/// Where the dummy recognizer's synthetic people come from: the `source:` key.
///
/// - A **dataset plugin** (default `synthetic_faces`): its k-th identity (in label order, among
///   identities that have images) becomes the synthetic person of class k, with its first
///   `images_per_identity` images. Keys of the dataset that the spec leaves unwritten and the
///   dataset declares are filled in so that it fits: `identities` (the number of classes),
///   `images_per_identity`, `height`/`width`/`channels` (the data's image shape; at least 8
///   pixels, then converted) and `identity_offset` (500000, so that `synthetic_faces` identities
///   never coincide with a private or public `synthetic_faces` set, which start at 0).
/// - A **generator plugin** (`pca`, `vae`, `dcgan`, ...): fitted on the PUBLIC split only; class k
///   gets a latent anchor a_k drawn from the generator's prior, and its images are the anchor
///   itself and variations sqrt(1 - v^2) * a_k + v * e (e a fresh prior draw, v =
///   `latent_variation`), clamped to the latent bounds: one synthetic identity per class.
enum SyntheticIdentitySource {
    case dataset(PluginNode)
    case generator(PluginNode, any GeneratorPlugin)

    /// First global `synthetic_faces` identity used for the dummy's people.
    static let identityOffset = 500_000

    /// Resolves `node` to a dataset or a generator plugin, building it to check its options.
    /// An id that is neither is reported with a suggestion among both kinds.
    static func resolve(_ node: PluginNode, context: BuildContext) throws -> SyntheticIdentitySource {
        let registries = context.registries
        if registries.datasets.descriptor(node.id) != nil {
            _ = try registries.datasets.build(node, context: context)
            return .dataset(node)
        }
        if registries.generators.descriptor(node.id) != nil {
            return .generator(node, try registries.generators.build(node, context: context))
        }
        throw SpecError(.unknownName("source", node.id, known: registries.datasets.ids + registries.generators.ids,
                                     listLabel: "known sources (dataset and generator plugins)",
                                     at: node.idLocation, path: node.idPath))
    }

    var node: PluginNode {
        switch self {
        case .dataset(let node), .generator(let node, _): return node
        }
    }

    var isGenerator: Bool {
        if case .generator = self { return true }
        return false
    }

    /// The source's spec node as it is used: a dataset's unwritten fitting keys filled in.
    func effectiveNode(classes: Int, imagesPerIdentity: Int, imageShape: [Int], registries: Registries) -> PluginNode {
        guard case .dataset(let node) = self else { return self.node }
        let declared = Set(registries.datasets.descriptor(node.id)?.fields.map(\.name) ?? [])
        let fills: [(String, Int)] = [
            ("identities", classes), ("images_per_identity", imagesPerIdentity),
            ("height", max(imageShape[1], 8)), ("width", max(imageShape[2], 8)), ("channels", imageShape[0]),
            ("identity_offset", Self.identityOffset),
        ]
        var entries = node.options.entries ?? []
        for (key, value) in fills where declared.contains(key) && node.options[key] == nil {
            entries.append(MappingEntry(key: key, value: .value(.int(value))))
        }
        return PluginNode(id: node.id, options: .mapping(entries, at: node.options.location), path: node.path,
                          idLocation: node.idLocation, location: node.location)
    }

    /// One synthetic identity per class: `imagesPerIdentity` images of each (fewer only when a
    /// dataset has fewer), labels 0..<classes, converted to `imageShape`.
    func draw(classes: Int, imagesPerIdentity: Int, imageShape: [Int], latentVariation: Float,
              resources: DefenseResources, context: BuildContext) throws -> LabeledSet {
        switch self {
        case .dataset:
            let node = effectiveNode(classes: classes, imagesPerIdentity: imagesPerIdentity, imageShape: imageShape,
                                     registries: context.registries)
            let plugin = try context.registries.datasets.build(node, context: context)
            let dataset = try plugin.load(resources.environment)
            if !dataset.isSynthetic {
                resources.environment.progress.log("dummy_recognizer: note: source '\(node.id)' (\(dataset.source)) is not marked synthetic; its identities are used as the decoys")
            }
            return try Self.identities(of: dataset, classes: classes, imagesPerIdentity: imagesPerIdentity,
                                       imageShape: imageShape, sourceID: node.id)
        case .generator(let node, let plugin):
            let publicImages = resources.data.publicSet.images
            guard resources.data.publicSet.count > 0 else {
                throw DummyRecognizerError("dummy_recognizer: source '\(node.id)' is a generator, fitted on the public faces, but the data has no public set (set data.public_identities or data.public_source)")
            }
            let fitted = try plugin.fit(publicImages: publicImages, environment: resources.environment)
            var generator = SeededGenerator(seed: resources.seed).fork("dummy_recognizer anchors")
            let latents = Self.latents(fitted, classes: classes, imagesPerIdentity: imagesPerIdentity,
                                       variation: latentVariation, generator: &generator)
            let images = Self.generate(fitted, latents: latents, imageShape: imageShape)
            let labels = (0..<classes).flatMap { Array(repeating: $0, count: imagesPerIdentity) }
            return LabeledSet(images: images, labels: labels)
        }
    }

    /// The first `classes` identities of `dataset` with up to `imagesPerIdentity` images each.
    static func identities(of dataset: FaceDataset, classes: Int, imagesPerIdentity: Int, imageShape: [Int],
                           sourceID: String) throws -> LabeledSet {
        let available = (0..<dataset.classNames.count).map { dataset.indices(ofClass: $0) }.filter { !$0.isEmpty }
        guard available.count >= classes else {
            throw DummyRecognizerError("dummy_recognizer: source '\(sourceID)' provides \(available.count) identities with images, but the protected model has \(classes) classes (one synthetic identity per class is needed)")
        }
        var rows: [Int] = [], labels: [Int] = []
        for (label, members) in available.prefix(classes).enumerated() {
            let chosen = members.prefix(imagesPerIdentity)
            rows += chosen
            labels += Array(repeating: label, count: chosen.count)
        }
        let images = ImageConversion.convert(dataset.images.gathering(rows: rows), channels: imageShape[0],
                                             height: imageShape[1], width: imageShape[2])
        return LabeledSet(images: images, labels: labels)
    }

    /// Identity-major latents: per class its anchor, then `imagesPerIdentity - 1` variations.
    static func latents(_ fitted: any ImageGenerator, classes: Int, imagesPerIdentity: Int, variation: Float,
                        generator: inout SeededGenerator) -> Tensor {
        let size = fitted.latentSize
        let anchors = fitted.sampleLatents(count: classes, generator: &generator)
        let fresh = fitted.sampleLatents(count: classes * max(imagesPerIdentity - 1, 0), generator: &generator)
        let keep = (1 - variation * variation).squareRoot()
        var scalars: [Float] = []
        scalars.reserveCapacity(classes * imagesPerIdentity * size)
        anchors.withUnsafeBufferPointer { a in
            fresh.withUnsafeBufferPointer { e in
                for k in 0..<classes {
                    let anchor = Array(a[(k * size)..<((k + 1) * size)])
                    scalars += anchor
                    for i in 0..<max(imagesPerIdentity - 1, 0) {
                        let row = k * (imagesPerIdentity - 1) + i
                        for d in 0..<size {
                            var value = keep * anchor[d] + variation * e[row * size + d]
                            if let bounds = fitted.latentBounds { value = min(bounds.upperBound, max(bounds.lowerBound, value)) }
                            scalars.append(value)
                        }
                    }
                }
            }
        }
        return Tensor(shape: [classes * imagesPerIdentity, size], scalars: scalars)
    }

    /// Images of `latents` in chunks, clamped to [0, 1] and converted to `imageShape`.
    static func generate(_ fitted: any ImageGenerator, latents: Tensor, imageShape: [Int]) -> Tensor {
        var parts: [Tensor] = []
        var start = 0
        while start < latents.shape[0] {
            let end = min(start + 128, latents.shape[0])
            let images = fitted.generate(Var(constant: latents.slice(alongAxis: 0, start..<end))).value.clamped(to: 0...1)
            parts.append(ImageConversion.convert(images, channels: imageShape[0], height: imageShape[1], width: imageShape[2]))
            start = end
        }
        return Tensor.concatenate(parts, alongAxis: 0)
    }
}

/// A problem that prevents the dummy recognizer from being built for this model and data.
public struct DummyRecognizerError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
