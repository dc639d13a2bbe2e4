import Foundation
import InvLabCore
import InvLabIO
import InvLabNN
import InvLabONNX
import InvLabSpec
import InvLabTensor

/// A classifier trained elsewhere (e.g. in PyTorch) and exported to ONNX: attacked, defended and
/// evaluated like invlab's own recognizers, with gradients through the whole graph.
///
/// The file is both architecture and weights: the layer's parameters are the model's
/// initializers. Without `fine_tune`, `weights` is the ONNX file itself and loading it leaves the
/// network as built, so the model is used as it is; with `fine_tune`, there is no weights file and
/// the Core trains the network, which starts from the file's weights.
public struct ONNXRecognizer: RecognizerPlugin {
    public enum Output: String, SpecEnum, Sendable { case logits, probabilities }
    /// What fine-tuning does with BatchNormalization: keep the stored statistics (inference
    /// behaviour), or normalise with batch statistics and update the running ones (PyTorch's
    /// `train()` mode, with the node's momentum).
    public enum BatchNormFineTuning: String, SpecEnum, Sendable { case frozen, update }

    public struct Configuration: SpecConfig {
        public var path = ""
        public var input = ONNXInputConfig()
        public var output = Output.logits
        public var classes = 0
        public var fineTune: TrainingConfig? = nil
        public var fineTuneBatchNorm = BatchNormFineTuning.frozen
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("path", \.path, doc: "The .onnx file, relative to the spec file (external data files next to it).", required: true),
            SpecField("input", \.input, doc: "What the model expects as input and how the engine's [0, 1] images are converted to it."),
            SpecField("output", \.output, doc: "What the model's single output holds per image: logits, or probabilities (then their logarithm is used as logits)."),
            SpecField("classes", \.classes, doc: "The number of classes the model outputs; must equal the data's identities.",
                      required: true, range: 1...1_000_000),
            SpecField("fine_tune", \.fineTune, doc: "Train the imported model further, starting from the file's weights (e.g. as the dummy "
                      + "defense's f'); BatchNormalization as fine_tune_batch_norm says, Dropout stays off. null: use the file as it is."),
            SpecField("fine_tune_batch_norm", \.fineTuneBatchNorm, doc: "BatchNormalization while fine_tune trains: frozen keeps the stored "
                      + "running statistics (inference behaviour); update normalises with each batch's statistics and moves the running ones "
                      + "by the node's momentum (PyTorch's train() mode: running = momentum * running + (1 - momentum) * batch in ONNX's "
                      + "convention, unbiased batch variance). Attacks and evaluation always use the running statistics."),
        ] }
    }

    public static let id = "onnx"
    public static let summary = "A classifier exported to ONNX (e.g. by torch.onnx.export), run with gradients on the engine."
    public static let documentation = """
        Opsets \(ONNXModel.supportedOpsets.lowerBound)-\(ONNXModel.supportedOpsets.upperBound); operators: \(ONNXOperators.supportedList). \
        The model must take one N x C x H x W (or NHWC) float input with a free batch dimension (export with \
        `dynamic_shapes=({0: torch.export.Dim("batch")},)` (dynamo=True, the default) or `dynamic_axes={"x": {0: "batch"}}` \
        (dynamo=False)) and give one N x classes output. It is used as it is unless `fine_tune` trains it further.
        """
    public static let example = """
        type: onnx
        path: face_classifier.onnx
        input: {layout: NCHW, size: [112, 92], channels: 1, range: [0, 1], mean: [0.5], std: [0.5]}
        output: logits
        classes: 40
        """

    public let configuration: Configuration
    /// The model file (read by `architecture`).
    public let file: URL

    public init(configuration: Configuration, context: BuildContext) throws {
        self.configuration = configuration
        file = context.inputFile(configuration.path, key: "path", hint: "the model's ONNX file: export it with torch.onnx.export "
            + "(Experiments/byo/train_face_classifier.py trains a face classifier on a spec's data and exports it)")
        if let fineTune = configuration.fineTune {
            _ = try context.registries.optimizers.build(fineTune.optimizer, context: context)
        } else if configuration.fineTuneBatchNorm != .frozen {
            throw context.error("fine_tune_batch_norm: \(configuration.fineTuneBatchNorm.rawValue) needs fine_tune (without it the model is not trained)",
                                key: "fine_tune_batch_norm")
        }
    }

    /// The model file when it is used as it is; nil when `fine_tune` has the Core train it.
    public var weights: URL? { configuration.fineTune == nil ? file : nil }

    /// `fine_tune` (only read when it is set).
    public var training: TrainingConfig { configuration.fineTune ?? TrainingConfig() }

    /// Fine-tuned networks are cached under the digests of the file and of its external data
    /// files, so that a changed model is trained again (the dynamo exporter keeps the weights in
    /// `model.onnx.data`, and new weights may leave the `.onnx` file byte-identical).
    public func trainingFingerprint() throws -> [String] {
        guard configuration.fineTune != nil else { return [] }
        let batchNorm = configuration.fineTuneBatchNorm == .frozen ? [] : ["onnx-batch-norm:\(configuration.fineTuneBatchNorm.rawValue)"]
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw DataError("onnx recognizer: cannot read \(file.path)")
        }
        var fingerprint = ["onnx-sha256:" + SHA256.hexDigest(of: data)]
        let locations: [String]
        do { locations = try ONNXModel.externalDataFiles(ofModelAt: file.path) } catch { throw DataError("onnx recognizer: \(error)") }
        // A location that leaves the model's directory is refused when the model is read.
        for location in locations where !location.hasPrefix("/") && !location.split(separator: "/").contains("..") {
            let url = file.deletingLastPathComponent().appendingPathComponent(location)
            guard let bytes = FileManager.default.contents(atPath: url.path) else {
                throw DataError("onnx recognizer: cannot read the external data file \(url.path) of \(file.path)")
            }
            fingerprint.append("onnx-data-sha256:\(location):" + SHA256.hexDigest(of: bytes))
        }
        return fingerprint + batchNorm
    }

    /// The architecture holds the model's weights already.
    public func load(weights: URL, into network: inout Network) throws {}

    /// One `ONNXClassifierLayer`, after reading the file and running the graph on batches of one
    /// and two zero images of `inputShape`, so that a model that cannot run on the data fails here
    /// with the reason rather than during an attack.
    public func architecture(inputShape: [Int], classes: Int) throws -> Sequential {
        let file = self.file.path
        guard classes == configuration.classes else {
            throw DataError("onnx recognizer \(file): the data has \(classes) identities, the model is configured with classes: \(configuration.classes)")
        }
        let input = configuration.input
        guard inputShape.count == 3, inputShape[0] == input.channels || (inputShape[0] == 1 && input.channels == 3) else {
            throw DataError("onnx recognizer \(file): the data's images are \(inputShape) (C x H x W), the model reads \(input.channels) channel(s)")
        }
        let model: ONNXModel
        do {
            model = try ONNXModel(contentsOf: file)
        } catch {
            throw DataError("onnx recognizer: \(error)")
        }
        guard model.inputNames.count == 1, model.outputNames.count == 1 else {
            throw DataError("onnx recognizer \(file): needs one input and one output, the model has inputs [\(model.inputNames.joined(separator: ", "))] "
                + "and outputs [\(model.outputNames.joined(separator: ", "))]")
        }
        let layer = ONNXClassifierLayer(model: model, input: input, probabilities: configuration.output == .probabilities, classes: classes,
                                        batchNorm: configuration.fineTuneBatchNorm)
        for batch in [1, 2] {
            let shape: [Int]
            do {
                shape = try layer.logits(Var(constant: Tensor(zeros: [batch] + inputShape))).shape
            } catch {
                throw DataError("onnx recognizer: \(error) (on a batch of \(batch) image(s) of \(inputShape); "
                    + "the model must accept any batch size: export it with dynamic_shapes=({0: torch.export.Dim(\"batch\")},) (dynamo=True) "
                    + "or dynamic_axes={\"\(model.inputNames[0])\": {0: \"batch\"}} (dynamo=False))")
            }
            guard shape == [batch, classes] else {
                throw DataError("onnx recognizer \(file): the output for \(batch) image(s) has shape \(shape), expected [\(batch), \(classes)]")
            }
        }
        return Sequential([layer])
    }
}
