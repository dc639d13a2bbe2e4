import Foundation
import InvLabTensor

/// A first-order update rule. The same implementations train networks and drive attacks
/// (an attack's "parameters" are its images or latent codes), so there is one Adam, not two.
public protocol Optimizer: Sendable {
    /// The step size of the next update; schedules change it between steps.
    var learningRate: Float { get set }
    /// Applies one update to `values` from `gradients` (same order and shapes every call).
    mutating func update(_ values: inout [Tensor], gradients: [Tensor])
}

/// Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight
/// decay, with PyTorch's `torch.optim.SGD` semantics:
/// `g += wd * w; v = mu * v + (1 - dampening) * g` (v = g on the first step);
/// `step = nesterov ? g + mu * v : v; w -= lr * step`.
/// With momentum 0 this is plain gradient descent, equation (2) of the source article.
public struct SGD: Optimizer {
    public var learningRate: Float
    public var momentum: Float
    public var dampening: Float
    public var nesterov: Bool
    public var weightDecay: Float
    private var velocity: [Tensor?] = []

    public init(learningRate: Float, momentum: Float = 0, dampening: Float = 0, nesterov: Bool = false,
                weightDecay: Float = 0) {
        (self.learningRate, self.momentum, self.dampening, self.nesterov, self.weightDecay) =
            (learningRate, momentum, dampening, nesterov, weightDecay)
    }

    public mutating func update(_ values: inout [Tensor], gradients: [Tensor]) {
        if velocity.count != values.count { velocity = Array(repeating: nil, count: values.count) }
        let (lr, mu, damp, wd, nesterov) = (learningRate, momentum, dampening, weightDecay, nesterov)
        for i in values.indices {
            let firstStep = velocity[i] == nil
            if mu != 0 && firstStep { velocity[i] = Tensor(zeros: values[i].shape) }
            gradients[i].withUnsafeBufferPointer { g in
                values[i].withUnsafeMutableBufferPointer { w in
                    if mu == 0 {
                        for k in 0..<w.count { w[k] -= lr * (g[k] + wd * w[k]) }
                        return
                    }
                    velocity[i]!.withUnsafeMutableBufferPointer { v in
                        for k in 0..<w.count {
                            let grad = g[k] + wd * w[k]
                            v[k] = firstStep ? grad : mu * v[k] + (1 - damp) * grad
                            w[k] -= lr * (nesterov ? grad + mu * v[k] : v[k])
                        }
                    }
                }
            }
        }
    }
}

/// Adam (Kingma and Ba 2015, Algorithm 1) with PyTorch's `torch.optim.Adam`/`AdamW` semantics:
/// bias-corrected first and second moments; `weightDecay` is L2 (added to the gradient) unless
/// `decoupled` (AdamW: `w *= 1 - lr * wd`).
public struct Adam: Optimizer {
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float
    public var decoupled: Bool
    private var first: [Tensor] = []
    private var second: [Tensor] = []
    private var step = 0

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0, decoupled: Bool = false) {
        (self.learningRate, self.beta1, self.beta2, self.epsilon, self.weightDecay, self.decoupled) =
            (learningRate, beta1, beta2, epsilon, weightDecay, decoupled)
    }

    public mutating func update(_ values: inout [Tensor], gradients: [Tensor]) {
        if first.count != values.count {
            first = values.map { Tensor(zeros: $0.shape) }
            second = values.map { Tensor(zeros: $0.shape) }
            step = 0
        }
        step += 1
        let (lr, b1, b2, eps, wd) = (learningRate, beta1, beta2, epsilon, weightDecay)
        let correction1 = 1 - Foundation.pow(b1, Float(step)), correction2 = 1 - Foundation.pow(b2, Float(step))
        let decoupled = self.decoupled
        for i in values.indices {
            gradients[i].withUnsafeBufferPointer { g in
                values[i].withUnsafeMutableBufferPointer { w in
                    first[i].withUnsafeMutableBufferPointer { m in
                        second[i].withUnsafeMutableBufferPointer { v in
                            for k in 0..<w.count {
                                var grad = g[k]
                                if decoupled { w[k] *= 1 - lr * wd } else { grad += wd * w[k] }
                                m[k] = b1 * m[k] + (1 - b1) * grad
                                v[k] = b2 * v[k] + (1 - b2) * grad * grad
                                w[k] -= lr * (m[k] / correction1) / ((v[k] / correction2).squareRoot() + eps)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Signed gradient descent, `w -= lr * sign(g)` (the iterative fast-gradient-sign update of
/// Kurakin et al. 2017): step size independent of the gradient's scale, which helps when a
/// saturated softmax makes gradients tiny.
public struct SignGradient: Optimizer {
    public var learningRate: Float
    public init(learningRate: Float) { self.learningRate = learningRate }

    public mutating func update(_ values: inout [Tensor], gradients: [Tensor]) {
        let lr = learningRate
        for i in values.indices {
            gradients[i].withUnsafeBufferPointer { g in
                values[i].withUnsafeMutableBufferPointer { w in
                    for k in 0..<w.count { w[k] -= g[k] > 0 ? lr : (g[k] < 0 ? -lr : 0) }
                }
            }
        }
    }
}

/// How the learning rate changes with the step (or epoch) number.
public enum LearningRateSchedule: Sendable, Equatable {
    case constant
    /// Multiply by `factor` every `every` steps.
    case step(every: Int, factor: Float)
    /// Multiply by `factor` every step.
    case exponential(factor: Float)
    /// Cosine annealing from the base rate to `minimum` over `total` steps.
    case cosine(total: Int, minimum: Float)

    /// The rate at `step` (0-based) for a base rate.
    public func rate(base: Float, step: Int) -> Float {
        switch self {
        case .constant:
            return base
        case .step(let every, let factor):
            return base * Foundation.pow(factor, Float(step / max(every, 1)))
        case .exponential(let factor):
            return base * Foundation.pow(factor, Float(step))
        case .cosine(let total, let minimum):
            let progress = min(1, Float(step) / Float(max(total, 1)))
            return minimum + (base - minimum) * 0.5 * (1 + Foundation.cos(Float.pi * progress))
        }
    }
}
