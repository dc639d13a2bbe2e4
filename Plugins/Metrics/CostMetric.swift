import Foundation
import InvLabCore
import InvLabSpec

/// What an attack cost: wall time, model queries and iterations (black-box attacks are
/// compared by query budget, white-box ones by iterations).
public struct CostMetric: MetricPlugin {
    public typealias Configuration = NoOptions

    public static let id = "cost"
    public static let summary = "Attack wall time (trial), model queries and iterations per identity."
    public static let documentation = """
        `attack_seconds` is the attack's wall-clock time for the whole batch (`AttackResult.seconds`; it depends \
        on the machine and is the only non-deterministic column). `queries` counts forward passes of the \
        published model per identity over all restarts; `iterations` is the number of optimisation steps run per \
        identity (the maximum over restarts; early stopping can make it smaller than configured).
        """
    public static let example = "type: cost"

    public init(configuration: Configuration, context: BuildContext) throws {}

    public var columns: [MetricColumn] { [
        MetricColumn("attack_seconds", "Wall-clock seconds the attack took for all identities.", perIdentity: false),
        MetricColumn("queries", "Published-model evaluations spent per identity (all restarts).", perIdentity: true),
        MetricColumn("iterations", "Optimisation steps run per identity.", perIdentity: true),
    ] }

    public func measure(_ input: MetricInput) throws -> [String: MetricValue] {
        let attack = input.attack
        return [
            "attack_seconds": .trial(attack.seconds),
            "queries": .perIdentity(attack.queries.map(Double.init)),
            "iterations": .perIdentity(attack.iterations.map(Double.init)),
        ]
    }
}
