import InvLabCore
import InvLabSpec
import InvLabTensor

/// Publishes only the k largest probabilities of each prediction (the rest as 0), as prediction
/// APIs that return a top-k list do.
public struct TopKDefense: DefensePlugin {
    public struct Configuration: SpecConfig, Equatable {
        public var k = 3
        public var renormalize = false
        public var attackerGradient = AttackerGradient.straightThrough
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("k", \.k, doc: "Probabilities published per prediction (the largest ones); must be below the number of classes.",
                      bounds: .atLeast(1)),
            SpecField("renormalize", \.renormalize, doc: "Divide the k published probabilities by their sum, so that each row sums to 1."),
            SpecField("attacker_gradient", \.attackerGradient, doc: attackerGradientDoc),
        ] }
    }

    public static let id = "top_k"
    public static let summary = "Publish only the k largest probabilities, the others as 0 (optionally renormalised)."
    public static let documentation = """
        Truncates each published probability vector to its k largest entries (ties broken towards the lower \
        class index) and sets the others to 0; with `renormalize: true` the kept entries are divided by their \
        sum. The argmax, hence accuracy, is unchanged. An attacker whose target class is outside the top k sees \
        0 for it. `k` must be smaller than the model's number of classes (checked when the model is wrapped), \
        otherwise the defense would publish everything and measure nothing.
        """
    public static let example = """
        type: top_k
        k: 3
        renormalize: false
        attacker_gradient: straight_through
        """

    public let configuration: Configuration

    public init(configuration: Configuration, context: BuildContext) throws {
        self.configuration = configuration
    }

    /// Rows truncated to their `k` largest entries (lower index first among equals).
    public static func truncated(_ probabilities: Tensor, k: Int, renormalize: Bool) -> Tensor {
        mapRows(probabilities) { _, row in
            let kept = row.indices.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }.prefix(k)
            var out = [Float](repeating: 0, count: row.count)
            for index in kept { out[index] = row[index] }
            if renormalize {
                let total = kept.reduce(Float(0)) { $0 + row[$1] }
                if total > 0 { for index in kept { out[index] /= total } }
            }
            return out
        }
    }

    public func wrap(_ model: any PublishedModel, resources: DefenseResources) throws -> any PublishedModel {
        let (k, renormalize) = (configuration.k, configuration.renormalize)
        guard k < model.classes else {
            throw DefenseError("top_k: k is \(k) but the model has \(model.classes) classes; k must be smaller, or the defense publishes every probability")
        }
        return DefendedOutputModel(inner: model, gradient: configuration.attackerGradient,
                                   label: "top_k(\(k)\(renormalize ? ", renormalised" : ""), \(configuration.attackerGradient.rawValue))") { p, _ in
            Self.truncated(p, k: k, renormalize: renormalize)
        }
    }
}

/// Publishes only the predicted label, as a one-hot vector: the most restrictive prediction API.
public struct LabelOnlyDefense: DefensePlugin {
    public struct Configuration: SpecConfig, Equatable {
        public var attackerGradient = AttackerGradient.straightThrough
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("attacker_gradient", \.attackerGradient, doc: attackerGradientDoc),
        ] }
    }

    public static let id = "label_only"
    public static let summary = "Publish only the predicted label (one-hot of the argmax), no confidences."
    public static let documentation = """
        Each published row is the one-hot vector of the argmax (the lower class index among equal maxima), \
        so accuracy is unchanged and no confidence information leaks. Confidence-based attacks see only \
        whether the target class wins; with `attacker_gradient: straight_through` they still follow the \
        gradient of the hidden probabilities (an optimistic, adaptive attacker); with `none` they get none.
        """
    public static let example = """
        type: label_only
        attacker_gradient: none
        """

    public let configuration: Configuration

    public init(configuration: Configuration, context: BuildContext) throws {
        self.configuration = configuration
    }

    /// One-hot rows of the argmax.
    public static func oneHot(_ probabilities: Tensor) -> Tensor {
        Tensor.oneHot(probabilities.argmaxRows(), classes: probabilities.shape.last ?? 0)
    }

    public func wrap(_ model: any PublishedModel, resources: DefenseResources) throws -> any PublishedModel {
        DefendedOutputModel(inner: model, gradient: configuration.attackerGradient,
                            label: "label_only(\(configuration.attackerGradient.rawValue))") { p, _ in Self.oneHot(p) }
    }
}
