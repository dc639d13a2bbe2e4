/// A serialisable choice of optimizer (what a spec's `optimizer:` or `train.optimizer:` names).
public enum OptimizerSettings: Sendable, Equatable {
    case sgd(learningRate: Float, momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0)
    case adam(learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, weightDecay: Float = 0, decoupled: Bool = false)
    case sign(learningRate: Float)

    public var learningRate: Float {
        switch self {
        case .sgd(let lr, _, _, _), .adam(let lr, _, _, _, _), .sign(let lr): return lr
        }
    }

    /// A fresh optimizer with no state.
    public func make() -> any Optimizer {
        switch self {
        case let .sgd(lr, momentum, nesterov, weightDecay):
            return SGD(learningRate: lr, momentum: momentum, nesterov: nesterov, weightDecay: weightDecay)
        case let .adam(lr, beta1, beta2, weightDecay, decoupled):
            return Adam(learningRate: lr, beta1: beta1, beta2: beta2, weightDecay: weightDecay, decoupled: decoupled)
        case let .sign(lr):
            return SignGradient(learningRate: lr)
        }
    }
}

/// A loss, gradient or image that stopped being finite. It stops the computation it occurred
/// in, naming where, so that a sweep can mark that trial failed and go on.
public struct NumericalFault: Error, CustomStringConvertible {
    public var stage: String
    public var step: Int
    public var quantity: String
    public init(stage: String, step: Int, quantity: String) {
        (self.stage, self.step, self.quantity) = (stage, step, quantity)
    }
    public var description: String { "\(stage): \(quantity) is not finite (NaN or infinity) at step \(step)" }
}
