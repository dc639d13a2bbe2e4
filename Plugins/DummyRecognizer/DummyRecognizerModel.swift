import InvLabCore
import InvLabNN
import InvLabTensor

/// Synthetic identities standing for the classes (the dummy defense's decoys): the images for
/// class `k` are `images[k]` (`n x C x H x W`). A published model that planted decoys attaches
/// them: `model.attachment(DecoyImages.self)` (the `decoy_rate` metric reads them so).
public struct DecoyImages: Sendable {
    public var images: [Tensor]
    public init(images: [Tensor]) { self.images = images }
}

/// The mixture weight lambda of a published dummy-recognizer composite, attached to the published
/// model (`model.attachment(MixtureWeight.self)`) for measurements that compare an attacker's
/// estimate with the truth (the `adaptive_attack` metric); attacks never read it.
public struct MixtureWeight: Sendable, Equatable {
    public var lambda: Double
    public init(lambda: Double) { self.lambda = lambda }
}

/// The dummy recognizer f' of a published dummy-recognizer composite, attached to the published
/// model (`model.attachment(DummyRecognizerNetwork.self)`) so that `invlab export` can write it.
public struct DummyRecognizerNetwork: Sendable {
    public var network: Network
    public init(network: Network) { self.network = network }
}

/// The published composite of the dummy-recognizer defense, equation (3) of the article:
///
///     g(x) = lambda * f(x) + (1 - lambda) * f'(x)
///
/// `f` is the protected model's probabilities (whatever it is: a network or an already wrapped
/// model) and `f'` the softmax of the dummy recognizer, a network with the same n outputs whose
/// output j fires on synthetic person j. Both are differentiable, so `output(_:)` is exactly the
/// attacker's objective of equation (4). A mixture of two softmax outputs has no logits, so
/// `logits` is nil and logit-based attack losses use log g.
public struct DummyRecognizerModel: PublishedModel {
    /// f: the model being protected.
    public let protected: any PublishedModel
    /// f': the dummy recognizer (logits; g uses its softmax).
    public let dummy: Network
    /// Weight of f in the mixture, in [0, 1].
    public let lambda: Float
    /// The synthetic identity of each class (`decoys.images[k]`: the images f' was trained to
    /// recognise as class k).
    public let syntheticIdentities: DecoyImages
    /// How f' was made, for `summary` (e.g. `cnn on synthetic_faces`).
    public let dummyDescription: String

    public init(protected: any PublishedModel, dummy: Network, lambda: Float, syntheticIdentities: DecoyImages,
                dummyDescription: String = "dummy recognizer") {
        self.protected = protected
        self.dummy = dummy
        self.lambda = lambda
        self.syntheticIdentities = syntheticIdentities
        self.dummyDescription = dummyDescription
    }

    public var classes: Int { protected.classes }
    public var inputShape: [Int] { protected.inputShape }

    /// Failures of f first, then of the dummy recognizer (e.g. an ONNX f' failing at some batch size).
    public func throwRecordedFailure() throws {
        try protected.throwRecordedFailure()
        try dummy.throwRecordedFailure()
    }

    /// The planted synthetic identities as the `DecoyImages` attachment (they replace any decoys
    /// of the protected model: the attack is pulled toward this defense's f') and lambda as the
    /// `MixtureWeight` attachment, f' as the `DummyRecognizerNetwork` attachment; every other lookup goes to the protected model.
    public func attachment<T>(_ type: T.Type) -> T? {
        if type == DecoyImages.self { return syntheticIdentities as? T }
        if type == MixtureWeight.self { return MixtureWeight(lambda: Double(lambda)) as? T }
        if type == DummyRecognizerNetwork.self { return DummyRecognizerNetwork(network: dummy) as? T }
        return protected.attachment(type)
    }

    public var summary: String {
        "dummy_recognizer(lambda \(lambda), f' \(dummyDescription)) of \(protected.summary)"
    }

    /// g(x), differentiable with respect to x through both f and f'.
    public func output(_ x: Var) -> ModelOutput {
        let f = protected.output(x).probabilities
        let fPrime = dummy.forward(x).softmax()
        return ModelOutput(probabilities: f * lambda + fPrime * (1 - lambda), logits: nil)
    }

    /// g(x) as a prediction API returns it.
    public func query(_ x: Tensor) -> Tensor {
        protected.query(x) * lambda + Tensor.softmaxLastAxis(dummy.predict(x)) * (1 - lambda)
    }

    /// f'(x) alone (probabilities), e.g. to check that it stays low on real faces.
    public func dummyProbabilities(_ x: Tensor) -> Tensor {
        Tensor.softmaxLastAxis(dummy.predict(x))
    }
}
