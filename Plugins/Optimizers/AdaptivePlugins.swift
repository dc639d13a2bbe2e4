import InvLabCore
import InvLabNN
import InvLabSpec

/// Adam (Kingma and Ba, ICLR 2015, Algorithm 1), and AdamW (Loshchilov and Hutter, ICLR 2019)
/// with `decoupled: true`. The engine's shared `Adam`; the default training optimizer of every
/// recognizer is `{type: adam, lr: 0.001}`.
public struct AdamOptimizer: ScheduledOptimizer {
    public struct Configuration: SpecConfig, StepSizeConfiguration, Equatable, Sendable {
        public var lr: Float = 0.001
        public var beta1: Float = 0.9
        public var beta2: Float = 0.999
        public var epsilon: Float = 1e-8
        public var weightDecay: Float = 0
        public var decoupled = false
        public var schedule = ScheduleConfig()
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("lr", \.lr, doc: OptimizerDocs.lr + " Adam's steps are about lr per coordinate, whatever the gradient's scale.",
                      bounds: .greaterThan(0)),
            SpecField("beta1", \.beta1, doc: "Decay rate of the first-moment (mean gradient) estimate.", range: 0..<1),
            SpecField("beta2", \.beta2, doc: "Decay rate of the second-moment (mean squared gradient) estimate.", range: 0..<1),
            SpecField("epsilon", \.epsilon, doc: "Added to the root of the second moment to avoid dividing by zero.", bounds: .greaterThan(0)),
            SpecField("weight_decay", \.weightDecay, doc: "Weight decay: L2 added to the gradient, or with decoupled: true AdamW's x <- x * (1 - lr * weight_decay).",
                      range: 0...),
            SpecField("decoupled", \.decoupled, doc: "Decouple weight decay from the gradient (AdamW, Loshchilov and Hutter 2019)."),
            SpecField("schedule", \.schedule, doc: OptimizerDocs.schedule),
        ] }
    }
    public static let id = "adam"
    public static let summary = "Adam (Kingma and Ba 2015); AdamW (Loshchilov and Hutter 2019) with decoupled: true."
    public static let documentation = """
        Kingma and Ba (ICLR 2015), Algorithm 1, with bias-corrected moments: m = beta1 m + (1 - beta1) g, \
        v = beta2 v + (1 - beta2) g^2, x = x - lr * m_hat / (sqrt(v_hat) + epsilon), as torch.optim.Adam. weight_decay \
        adds weight_decay * x to g (L2), or, with decoupled: true, shrinks x by (1 - lr * weight_decay) before the step \
        (AdamW, Loshchilov and Hutter, ICLR 2019; torch.optim.AdamW). The default training optimizer of recognizers.
        """
    public static let example = """
        type: adam
        lr: 0.001
        weight_decay: 0.0001
        decoupled: true
        """
    public let configuration: Configuration
    public let schedule: LearningRateSchedule
    public init(configuration: Configuration, schedule: LearningRateSchedule) { (self.configuration, self.schedule) = (configuration, schedule) }

    public func makeOptimizer() -> any Optimizer {
        Adam(learningRate: learningRate, beta1: configuration.beta1, beta2: configuration.beta2, epsilon: configuration.epsilon,
             weightDecay: configuration.weightDecay, decoupled: configuration.decoupled)
    }
}

/// Signed gradient steps `x <- x - lr * sign(dL/dx)`, the update of the iterative fast gradient
/// sign method (Kurakin, Goodfellow and Bengio, ICLR 2017 workshop).
public struct SignGradientOptimizer: ScheduledOptimizer {
    public struct Configuration: SpecConfig, StepSizeConfiguration, Equatable {
        public var lr: Float = 0.01
        public var schedule = ScheduleConfig()
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("lr", \.lr, doc: "Step per pixel (or latent coordinate) and iteration; 0.01 is about 2.5 grey levels of 255.",
                      bounds: .greaterThan(0)),
            SpecField("schedule", \.schedule, doc: OptimizerDocs.schedule),
        ] }
    }
    public static let id = "sign_gradient"
    public static let summary = "Signed gradient steps x <- x - lr * sign(dL/dx) (Kurakin et al. 2017's iterative FGSM update)."
    public static let documentation = """
        The iterative fast gradient sign update of Kurakin, Goodfellow and Bengio ("Adversarial examples in the physical \
        world", ICLR 2017 workshop): every coordinate moves by exactly lr against the sign of its gradient (0 where the \
        gradient is 0). The step does not shrink when a saturated softmax makes gradients tiny. No weight decay (the \
        sign would swamp it); add an l2 regularizer to the objective instead.
        """
    public static let example = """
        type: sign_gradient
        lr: 0.004
        schedule: {type: exponential, factor: 0.999}
        """
    public let configuration: Configuration
    public let schedule: LearningRateSchedule
    public init(configuration: Configuration, schedule: LearningRateSchedule) { (self.configuration, self.schedule) = (configuration, schedule) }

    public func makeOptimizer() -> any Optimizer {
        SignGradient(learningRate: learningRate)
    }
}
