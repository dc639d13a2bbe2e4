import Foundation
import InvLabTensor

/// PyTorch's default initialisation of a weight and bias: U(-1/sqrt(fanIn), 1/sqrt(fanIn))
/// for both (`kaiming_uniform_(a=sqrt(5))` reduces to this bound for the weight).
func defaultInitialization(_ shape: [Int], fanIn: Int, generator: inout SeededGenerator) -> Tensor {
    let bound = 1 / Float(max(fanIn, 1)).squareRoot()
    return Tensor.uniform(shape, low: -bound, high: bound, generator: &generator)
}

/// Fully connected layer `y = x W^T + b`; tensors `weight` (`out x in`) and `bias` (`out`),
/// as `torch.nn.Linear`.
public struct Linear: Layer {
    public var inputFeatures: Int
    public var outputFeatures: Int
    public var hasBias: Bool

    public init(_ inputFeatures: Int, _ outputFeatures: Int, bias: Bool = true) {
        self.inputFeatures = inputFeatures
        self.outputFeatures = outputFeatures
        self.hasBias = bias
    }

    public func initialize(prefix: String, state: inout ModelState, generator: inout SeededGenerator) {
        state.addParameter(qualifiedName(prefix, "weight"),
                           defaultInitialization([outputFeatures, inputFeatures], fanIn: inputFeatures, generator: &generator))
        if hasBias {
            state.addParameter(qualifiedName(prefix, "bias"),
                               defaultInitialization([outputFeatures], fanIn: inputFeatures, generator: &generator))
        }
    }

    public func forward(_ x: Var, prefix: String, context: ForwardContext) -> Var {
        Var.linear(x, weight: context.parameter(qualifiedName(prefix, "weight")),
                   bias: hasBias ? context.parameter(qualifiedName(prefix, "bias")) : nil)
    }

    public func outputShape(for input: [Int]) -> [Int] { [input[0], outputFeatures] }
    public var summary: String { "Linear(\(inputFeatures), \(outputFeatures))" }
}

/// `N x C x H x W` to `N x CHW` (NCHW order, as `torch.nn.Flatten`).
public struct Flatten: Layer {
    public init() {}
    public func forward(_ x: Var, prefix: String, context: ForwardContext) -> Var { x.flattened() }
    public func outputShape(for input: [Int]) -> [Int] { [input[0], input.dropFirst().reduce(1, *)] }
    public var summary: String { "Flatten" }
}

/// Reshapes `N x F` to `N x C x H x W` (the start of a generator's decoder).
public struct Unflatten: Layer {
    public var shape: [Int]
    public init(_ shape: [Int]) { self.shape = shape }
    public func forward(_ x: Var, prefix: String, context: ForwardContext) -> Var { x.reshaped([x.shape[0]] + shape) }
    public func outputShape(for input: [Int]) -> [Int] { [input[0]] + shape }
    public var summary: String { "Unflatten(\(shape))" }
}

/// Pointwise nonlinearities.
public struct Activation: Layer {
    public enum Kind: Sendable, Equatable {
        case relu, leakyRelu(Float), tanh, sigmoid, softplus
    }
    public var kind: Kind
    public init(_ kind: Kind) { self.kind = kind }

    public func forward(_ x: Var, prefix: String, context: ForwardContext) -> Var {
        switch kind {
        case .relu: return x.relu()
        case .leakyRelu(let slope): return x.leakyRelu(slope: slope)
        case .tanh: return x.tanh()
        case .sigmoid: return x.sigmoid()
        case .softplus: return x.softplus()
        }
    }
    public var summary: String { "\(kind)" }
}

/// Inverted dropout: in training, zeroes each element with probability `rate` and scales the
/// rest by 1 / (1 - rate); the identity in evaluation.
public struct Dropout: Layer {
    public var rate: Float
    public init(_ rate: Float) { self.rate = rate }

    public func forward(_ x: Var, prefix: String, context: ForwardContext) -> Var {
        guard context.mode == .training, rate > 0 else { return x }
        let keep = 1 - rate
        var generator = context.generator
        let mask = Tensor(shape: x.shape, unsafeUninitialized: { out in
            for i in 0..<out.count { out[i] = generator.nextUniform() < keep ? 1 / keep : 0 }
        })
        context.generator = generator
        return x * mask
    }
    public var summary: String { "Dropout(\(rate))" }
}
