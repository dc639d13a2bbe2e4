import InvLabCore
import InvLabTensor

/// The steps of BREP-MI (Kahla et al., CVPR 2022) for all identities at once, from hard labels
/// alone: it holds a `LabelOnlyOracle` and the attacker's own generator, never the model.
struct BoundaryRepulsionSearch {
    struct Outcome {
        /// The final code per identity, `[identities, latentSize]`.
        var latents: Tensor
        /// Whether the oracle labelled the final code as the attacked class.
        var inClass: [Bool]
        /// R before every step, per identity (held after it stops).
        var radiusHistory: [[Float]]
        var steps: [Int]
        /// Labels spent per identity.
        var queries: [Int]
    }

    let configuration: BoundaryRepulsionAttack.Configuration
    var oracle: LabelOnlyOracle
    let decoder: any ImageGenerator
    let bounds: ClosedRange<Float>?
    let targets: [Int]
    var random: SeededGenerator

    private func images(_ z: [Float], rows: Int) -> Tensor {
        var latents = Tensor(shape: [rows, decoder.latentSize], scalars: z)
        if let bounds { latents.clamp(to: bounds) }
        return decoder.generate(Var(constant: latents)).value.clamped(to: 0...1)
    }

    private func projected(_ z: [Float]) -> [Float] {
        guard let bounds else { return z }
        return z.map { min(max($0, bounds.lowerBound), bounds.upperBound) }
    }

    /// A direction drawn uniformly from the unit sphere of the latent space.
    private mutating func unitDirection() -> [Float] {
        let u = (0..<decoder.latentSize).map { _ in random.nextNormal() }
        let norm = max(u.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
        return u.map { $0 / norm }
    }

    /// Labels prior samples until every identity has a code in its class or cannot pay for more.
    private mutating func initialCodes(_ first: [[Float]], ledger: inout QueryLedger) -> ([[Float]], [Bool]) {
        let size = decoder.latentSize
        var codes = first
        var found = [Bool](repeating: false, count: targets.count)
        var batch = first.map { [$0] }
        while true {
            let askers = targets.indices.filter { !found[$0] && !batch[$0].isEmpty && ledger.canAfford(batch[$0].count, identity: $0) }
            if askers.isEmpty { break }
            let flat = askers.flatMap { batch[$0].flatMap { $0 } }
            let labels = oracle.labels(images(flat, rows: askers.reduce(0) { $0 + batch[$1].count }))
            var offset = 0
            for identity in askers {
                ledger.charge(batch[identity].count, identity: identity)
                if let hit = batch[identity].indices.first(where: { labels[offset + $0] == targets[identity] }) {
                    codes[identity] = batch[identity][hit]
                    found[identity] = true
                }
                offset += batch[identity].count
            }
            for identity in targets.indices {
                let affordable = min(configuration.initialBatch, configuration.queryBudget - ledger.spent[identity])
                guard !found[identity], affordable > 0 else {
                    batch[identity] = []
                    continue
                }
                let fresh = decoder.sampleLatents(count: affordable, generator: &random).scalars
                batch[identity] = (0..<affordable).map { projected(Array(fresh[($0 * size)..<(($0 + 1) * size)])) }
            }
        }
        return (codes, found)
    }

    mutating func run(start: Tensor, environment: RunEnvironment) throws -> Outcome {
        let size = decoder.latentSize
        var ledger = QueryLedger(identities: targets.count, budget: configuration.queryBudget)
        let first = targets.indices.map { projected(Array(start.scalars[($0 * size)..<(($0 + 1) * size)])) }
        var (codes, inClass) = initialCodes(first, ledger: &ledger)
        var radius = [Float](repeating: Float(configuration.radius), count: targets.count)
        var history = [[Float]](repeating: [], count: targets.count)
        var steps = [Int](repeating: 0, count: targets.count)
        let n = configuration.spherePoints

        for _ in 0..<configuration.iterations {
            if environment.isCancelled { throw RunCancelled() }
            for identity in targets.indices { history[identity].append(radius[identity]) }
            let active = targets.indices.filter {
                inClass[$0] && radius[$0] <= Float(configuration.maxRadius) && ledger.canAfford(n + 1, identity: $0)
            }
            if active.isEmpty { break }
            var directions: [[Float]] = []
            var points: [Float] = []
            for identity in active {
                for _ in 0..<n {
                    let u = unitDirection()
                    directions.append(u)
                    points += projected(zip(codes[identity], u).map { $0 + radius[identity] * $1 })
                }
            }
            let sphereLabels = oracle.labels(images(points, rows: active.count * n))
            var candidates: [Float] = []
            var moving: [Int] = []
            for (a, identity) in active.enumerated() {
                ledger.charge(n, identity: identity)
                steps[identity] += 1
                var repulsion = [Float](repeating: 0, count: size)
                var outside = 0
                for k in 0..<n where sphereLabels[a * n + k] != targets[identity] {
                    outside += 1
                    for d in 0..<size { repulsion[d] -= directions[a * n + k][d] }
                }
                if outside == 0 {
                    radius[identity] *= Float(configuration.radiusGrowth)
                    continue
                }
                let scale = Float(configuration.stepSize) * radius[identity] / Float(n)
                candidates += projected(zip(codes[identity], repulsion).map { $0 + scale * $1 })
                moving.append(identity)
            }
            guard !moving.isEmpty else { continue }
            let candidateLabels = oracle.labels(images(candidates, rows: moving.count))
            for (m, identity) in moving.enumerated() {
                ledger.charge(1, identity: identity)
                if candidateLabels[m] == targets[identity] { codes[identity] = Array(candidates[(m * size)..<((m + 1) * size)]) }
            }
        }
        let longest = history.map(\.count).max() ?? 0
        return Outcome(latents: Tensor(shape: [targets.count, size], scalars: codes.flatMap { $0 }), inClass: inClass,
                       radiusHistory: history.map { h in h + Array(repeating: h.last ?? Float(configuration.radius), count: longest - h.count) },
                       steps: steps, queries: ledger.spent)
    }
}
