import InvLabCore
import InvLabSpec
import InvLabTensor

/// What gradient an attacker gets through an output defense that is not differentiable
/// (rounding, top-k, label-only, noise). The forward value the attacker sees is the defended
/// output in both cases: an attack is always scored on what the API really publishes.
public enum AttackerGradient: String, SpecEnum, Sendable {
    /// Backward pass as if the defense were the identity: the gradient of the undefended
    /// probabilities (the straight-through estimator; BPDA with the identity, Athalye et al.
    /// 2018). The stronger, adaptive attacker.
    case straightThrough = "straight_through"
    /// No gradient: the defended output is a constant in the attacker's computation, so the
    /// gradient of the model term is zero (only regularisers move the image).
    case none
}

/// Documentation shared by every output defense's `attacker_gradient` key.
let attackerGradientDoc = """
    Gradient the attacker differentiates through this non-differentiable output: `straight_through` \
    (forward the defended values, backward the gradient of the undefended probabilities) or `none` \
    (the defended values as a constant: zero gradient). The forward value is the defended output either way.
    """

/// A published model whose probabilities pass through a fixed transform: the building block
/// of output defenses (rounding, top-k, label-only, noise).
///
/// - `query(x)` is `transform(inner.query(x), x)`: what the prediction API returns.
/// - `output(x)` has the same forward value, `transform(p, x)` with `p` the inner model's
///   differentiable probabilities, and the backward pass `gradient` declares. Logits are not
///   published (`nil`): attacks that want logits use the log of the published probabilities.
/// - Attachments of the inner model (e.g. a defense's decoys) pass through.
///
/// Public so that a team writing its own output defense can reuse it.
public struct DefendedOutputModel: PublishedModel {
    public let inner: any PublishedModel
    public let gradient: AttackerGradient
    /// Names the defense in `summary`, e.g. `rounding(2 digits)`.
    public let label: String
    /// Published probabilities (`N x K`) from clean probabilities (`N x K`) and the images
    /// (`N x C x H x W`) they were computed for.
    public let transform: (_ probabilities: Tensor, _ images: Tensor) -> Tensor

    public init(inner: any PublishedModel, gradient: AttackerGradient, label: String,
                transform: @escaping (_ probabilities: Tensor, _ images: Tensor) -> Tensor) {
        self.inner = inner
        self.gradient = gradient
        self.label = label
        self.transform = transform
    }

    public var classes: Int { inner.classes }
    public var inputShape: [Int] { inner.inputShape }
    public var summary: String { "\(label) of \(inner.summary)" }
    public func attachment<T>(_ type: T.Type) -> T? { inner.attachment(type) }
    public func throwRecordedFailure() throws { try inner.throwRecordedFailure() }

    public func output(_ x: Var) -> ModelOutput {
        switch gradient {
        case .straightThrough:
            let clean = inner.output(x).probabilities
            let defended = transform(clean.value, x.value)
            // Forward: exactly the defended values; backward: the incoming gradient unchanged.
            return ModelOutput(probabilities: Var.record(defended, inputs: [clean]) { [$0] }, logits: nil)
        case .none:
            let clean = inner.output(x.detached).probabilities
            return ModelOutput(probabilities: Var(constant: transform(clean.value, x.value)), logits: nil)
        }
    }

    public func query(_ x: Tensor) -> Tensor { transform(inner.query(x), x) }
}

/// Applies `body` to every row of an `N x K` tensor.
func mapRows(_ probabilities: Tensor, _ body: (_ row: Int, _ values: [Float]) -> [Float]) -> Tensor {
    let k = probabilities.shape.last ?? 0
    let rows = k == 0 ? 0 : probabilities.count / k
    var out: [Float] = []
    out.reserveCapacity(probabilities.count)
    probabilities.withUnsafeBufferPointer { buffer in
        for row in 0..<rows {
            out += body(row, Array(buffer[(row * k)..<((row + 1) * k)]))
        }
    }
    return Tensor(shape: probabilities.shape, scalars: out)
}

/// A defense that cannot be applied to the model it is given (a message for the user).
public struct DefenseError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
