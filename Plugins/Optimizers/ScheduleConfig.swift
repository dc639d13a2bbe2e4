import InvLabCore
import InvLabNN
import InvLabSpec

/// The shapes of learning-rate schedule an optimizer's `schedule:` key can name.
public enum ScheduleKind: String, SpecEnum, Sendable {
    case constant, step, exponential, cosine

    /// The keys besides `type` that this kind reads (all others are rejected, so that a
    /// misplaced `total` under a step schedule is not silently ignored).
    var keys: [String] {
        switch self {
        case .constant: return []
        case .step: return ["every", "factor"]
        case .exponential: return ["factor"]
        case .cosine: return ["total", "minimum"]
        }
    }
}

/// The `schedule:` mapping of every optimizer plugin, mapped to the engine's
/// `LearningRateSchedule`. Steps are attack iterations, or epochs when the optimizer trains a
/// network (the trainers apply the schedule once per epoch).
///
/// - `constant`: the base rate throughout.
/// - `step`: multiply by `factor` (default 0.1, PyTorch's `StepLR`) every `every` steps.
/// - `exponential`: multiply by `factor` every step (`ExponentialLR`).
/// - `cosine`: anneal from the base rate to `minimum` over `total` steps (Loshchilov and Hutter
///   2017, SGDR without restarts; `CosineAnnealingLR`), then stay at `minimum`.
public struct ScheduleConfig: SpecConfig, Equatable, Sendable {
    public var type = ScheduleKind.constant
    public var every: Int? = nil
    public var factor: Float? = nil
    public var total: Int? = nil
    public var minimum: Float = 0

    public init() {}

    public static var fields: [SpecField<Self>] { [
        SpecField("type", \.type, doc: "Shape of the schedule: constant, step, exponential or cosine."),
        SpecField("every", \.every, doc: "step: steps (epochs when training) between two decays; required for type step.",
                  check: { $0.map { $0 >= 1 ? nil : "expected an integer >= 1, got \($0)" } ?? nil }),
        SpecField("factor", \.factor, doc: "step: multiplier at each decay (default 0.1); exponential: multiplier per step (required), in (0, 1].",
                  check: { $0.map { $0 > 0 && $0 <= 1 ? nil : "expected a number in (0, 1], got \(YAMLNumberFormat.naturalText(for: Double($0)))" } ?? nil }),
        SpecField("total", \.total, doc: "cosine: steps (epochs when training) to anneal over; required for type cosine.",
                  check: { $0.map { $0 >= 1 ? nil : "expected an integer >= 1, got \($0)" } ?? nil }),
        SpecField("minimum", \.minimum, doc: "cosine: the rate reached after `total` steps (absolute, below the optimizer's lr).",
                  range: 0...),
    ] }

    /// Rejects keys the chosen type does not read and requires the keys it cannot do without.
    public func validate(at path: SpecPath, node: Node, context: inout DecodingContext) {
        for key in ["every", "factor", "total", "minimum"] where !type.keys.contains(key) {
            guard let value = node[key] else { continue }
            let users = ScheduleKind.allCases.filter { $0.keys.contains(key) }.map(\.rawValue).joined(separator: ", ")
            context.error("'\(key)' is not used by schedule type '\(type.rawValue)'", at: value, path: path.appending(key),
                          notes: ["'\(key)' applies to schedule type \(users)"])
        }
        switch type {
        case .step where every == nil:
            context.error("schedule type 'step' needs 'every' (the number of steps between two decays)", at: node, path: path)
        case .exponential where factor == nil:
            context.error("schedule type 'exponential' needs 'factor' (the multiplier applied every step, e.g. 0.99)", at: node, path: path)
        case .cosine where total == nil:
            context.error("schedule type 'cosine' needs 'total' (the number of steps to anneal over)", at: node, path: path)
        default:
            break
        }
    }

    /// The engine's schedule (the keys were validated when decoding).
    public var schedule: LearningRateSchedule {
        switch type {
        case .constant: return .constant
        case .step: return .step(every: every ?? 1, factor: factor ?? 0.1)
        case .exponential: return .exponential(factor: factor ?? 1)
        case .cosine: return .cosine(total: total ?? 1, minimum: minimum)
        }
    }

    /// The schedule for a base rate `lr`, after the check that needs both: a cosine schedule
    /// must anneal down, so `minimum` may not exceed `lr`.
    func schedule(learningRate lr: Float, context: BuildContext) throws -> LearningRateSchedule {
        if type == .cosine && minimum > lr {
            throw context.error("schedule minimum \(minimum) exceeds the learning rate lr \(lr); a cosine schedule anneals down to its minimum",
                                key: "schedule")
        }
        return schedule
    }
}

/// Keys every optimizer plugin has: the base step size and its schedule.
public protocol StepSizeConfiguration: SpecConfig, Sendable {
    var lr: Float { get }
    var schedule: ScheduleConfig { get }
}

/// An optimizer plugin whose value is its configuration plus the schedule built from it.
public protocol ScheduledOptimizer: OptimizerPlugin where Configuration: StepSizeConfiguration {
    var configuration: Configuration { get }
    init(configuration: Configuration, schedule: LearningRateSchedule)
}

extension ScheduledOptimizer {
    public init(configuration: Configuration, context: BuildContext) throws {
        self.init(configuration: configuration, schedule: try configuration.schedule.schedule(learningRate: configuration.lr, context: context))
    }

    public var learningRate: Float { configuration.lr }
}

/// Documentation shared by the optimizers' common keys.
enum OptimizerDocs {
    static let lr = "Base learning rate (step size alpha of equation (2) of the article); the schedule scales it."
    static let weightDecay = "L2 weight decay: adds weight_decay * x to the gradient (0 = none)."
    static let schedule = "Learning-rate schedule: {type: constant|step|exponential|cosine, every, factor, total, minimum}; steps are attack iterations, or epochs when training."
}
