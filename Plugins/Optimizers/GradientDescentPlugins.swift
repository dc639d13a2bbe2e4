import InvLabCore
import InvLabNN
import InvLabSpec

/// Plain gradient descent, equation (2) of the source article:
/// `x <- x - lr * (dL/dx + weight_decay * x)`. The engine's `SGD` with momentum 0.
public struct GradientDescentOptimizer: ScheduledOptimizer {
    public struct Configuration: SpecConfig, StepSizeConfiguration, Equatable {
        public var lr: Float = 0.1
        public var weightDecay: Float = 0
        public var schedule = ScheduleConfig()
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("lr", \.lr, doc: OptimizerDocs.lr, bounds: .greaterThan(0)),
            SpecField("weight_decay", \.weightDecay, doc: OptimizerDocs.weightDecay, range: 0...),
            SpecField("schedule", \.schedule, doc: OptimizerDocs.schedule),
        ] }
    }
    public static let id = "gradient_descent"
    public static let summary = "Plain gradient descent x <- x - lr * dL/dx (equation (2) of the article)."
    public static let documentation = """
        The update of equation (2) of the source article, x(t+1) = x(t) - alpha * dL/dx(x(t)), as in Fredrikson et al. \
        (CCS 2015)'s MI-FACE. With weight_decay the gradient gains weight_decay * x (L2). The engine's SGD with momentum 0 \
        (PyTorch: torch.optim.SGD(lr=lr, weight_decay=weight_decay)).
        """
    public static let example = """
        type: gradient_descent
        lr: 0.1
        schedule: {type: step, every: 500, factor: 0.5}
        """
    public let configuration: Configuration
    public let schedule: LearningRateSchedule
    public init(configuration: Configuration, schedule: LearningRateSchedule) { (self.configuration, self.schedule) = (configuration, schedule) }

    public func makeOptimizer() -> any Optimizer {
        SGD(learningRate: learningRate, momentum: 0, weightDecay: configuration.weightDecay)
    }
}

/// Gradient descent with heavy-ball momentum (Polyak 1964), in PyTorch's form:
/// `v <- momentum * v + (1 - dampening) * g` (v = g on the first step), `x <- x - lr * v`.
public struct MomentumOptimizer: ScheduledOptimizer {
    public struct Configuration: SpecConfig, StepSizeConfiguration, Equatable, Sendable {
        public var lr: Float = 0.01
        public var momentum: Float = 0.9
        public var dampening: Float = 0
        public var weightDecay: Float = 0
        public var schedule = ScheduleConfig()
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("lr", \.lr, doc: OptimizerDocs.lr + " The default 0.01 with momentum 0.9 moves about as far per step as gradient descent at 0.1.",
                      bounds: .greaterThan(0)),
            SpecField("momentum", \.momentum, doc: "Momentum coefficient mu: the share of the previous velocity kept each step.", range: 0..<1),
            SpecField("dampening", \.dampening, doc: "Share of the new gradient left out of the velocity (PyTorch's dampening; 0 = none).", range: 0...1),
            SpecField("weight_decay", \.weightDecay, doc: OptimizerDocs.weightDecay, range: 0...),
            SpecField("schedule", \.schedule, doc: OptimizerDocs.schedule),
        ] }
    }
    public static let id = "momentum"
    public static let summary = "Gradient descent with heavy-ball momentum (Polyak 1964), PyTorch SGD semantics."
    public static let documentation = """
        Polyak (1964)'s heavy-ball method as torch.optim.SGD(lr, momentum, dampening, weight_decay) computes it: \
        g = dL/dx + weight_decay * x; v = momentum * v + (1 - dampening) * g, with v = g on the first step; x = x - lr * v.
        """
    public static let example = """
        type: momentum
        lr: 0.01
        momentum: 0.9
        """
    public let configuration: Configuration
    public let schedule: LearningRateSchedule
    public init(configuration: Configuration, schedule: LearningRateSchedule) { (self.configuration, self.schedule) = (configuration, schedule) }

    public func makeOptimizer() -> any Optimizer {
        SGD(learningRate: learningRate, momentum: configuration.momentum, dampening: configuration.dampening,
            weightDecay: configuration.weightDecay)
    }
}

/// Nesterov's accelerated gradient (Nesterov 1983) in the form of Sutskever et al. (2013) that
/// PyTorch implements: `v <- mu * v + g`, `x <- x - lr * (g + mu * v)`.
public struct NesterovOptimizer: ScheduledOptimizer {
    public struct Configuration: SpecConfig, StepSizeConfiguration, Equatable, Sendable {
        public var lr: Float = 0.01
        public var momentum: Float = 0.9
        public var weightDecay: Float = 0
        public var schedule = ScheduleConfig()
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("lr", \.lr, doc: OptimizerDocs.lr, bounds: .greaterThan(0)),
            SpecField("momentum", \.momentum, doc: "Momentum coefficient mu (Nesterov momentum needs mu > 0).",
                      bounds: SpecBounds(lower: (0, false), upper: (1, false))),
            SpecField("weight_decay", \.weightDecay, doc: OptimizerDocs.weightDecay, range: 0...),
            SpecField("schedule", \.schedule, doc: OptimizerDocs.schedule),
        ] }
    }
    public static let id = "nesterov"
    public static let summary = "Nesterov accelerated gradient (Nesterov 1983) in Sutskever et al. 2013's form, as PyTorch's SGD(nesterov=True)."
    public static let documentation = """
        Nesterov (1983)'s look-ahead momentum, rewritten by Sutskever et al. (ICML 2013) so that the gradient is taken at \
        the current point: g = dL/dx + weight_decay * x; v = momentum * v + g (v = g on the first step); \
        x = x - lr * (g + momentum * v). Equals torch.optim.SGD(lr, momentum, nesterov=True); no dampening (PyTorch \
        rejects it with Nesterov momentum).
        """
    public static let example = """
        type: nesterov
        lr: 0.01
        momentum: 0.9
        schedule: {type: cosine, total: 1000}
        """
    public let configuration: Configuration
    public let schedule: LearningRateSchedule
    public init(configuration: Configuration, schedule: LearningRateSchedule) { (self.configuration, self.schedule) = (configuration, schedule) }

    public func makeOptimizer() -> any Optimizer {
        SGD(learningRate: learningRate, momentum: configuration.momentum, nesterov: true, weightDecay: configuration.weightDecay)
    }
}
