import Foundation
import InvLabCore
import InvLabTensor

/// The generations of the `genetic` attack (Mirror-b, An et al. 2022) on all identities at once:
/// elitism, tournament selection, uniform crossover, Gaussian mutation, scored by queries only.
struct GeneticSearch {
    let setup: LatentPopulation
    let configuration: GeneticAttack.Configuration
    let model: any PublishedModel
    var random: SeededGenerator

    /// The published probability of each row's target class for latents `z` of rows `rows`.
    private func scores(_ z: Tensor, rows: [Int]) -> [Float] {
        let probabilities = setup.problem.query(setup.images(z))
        let classes = probabilities.shape[1]
        return rows.enumerated().map { probabilities.scalars[$0.offset * classes + setup.problem.rowTargets[$0.element]] }
    }

    /// Index (within `0..<fitness.count`) of the fittest of `tournament` random picks.
    private mutating func tournamentPick(_ fitness: ArraySlice<Float>) -> Int {
        var best = random.nextInt(below: fitness.count)
        for _ in 1..<max(configuration.tournament, 1) {
            let other = random.nextInt(below: fitness.count)
            if fitness[fitness.startIndex + other] > fitness[fitness.startIndex + best] { best = other }
        }
        return best
    }

    /// One child of two parents: uniform crossover, then per-coordinate Gaussian mutation.
    private mutating func child(of a: ArraySlice<Float>, and b: ArraySlice<Float>) -> [Float] {
        zip(a, b).map { pair in
            var value = random.nextUniform() < 0.5 ? pair.0 : pair.1
            if random.nextUniform() < Float(configuration.mutationProbability) {
                value += Float(configuration.mutationSigma) * random.nextNormal()
            }
            return value
        }
    }

    mutating func run(targets: [Int], environment: RunEnvironment) throws -> AttackResult {
        let began = Date()
        let (p, e) = (configuration.population, configuration.elites)
        let size = setup.start.shape[1]
        let identities = targets.count
        var ledger = QueryLedger(identities: identities, budget: configuration.queryBudget)
        var latents = setup.start.scalars
        var fitness = scores(setup.start, rows: Array(0..<(identities * p)))
        for identity in 0..<identities { ledger.charge(p, identity: identity) }
        let startObjective = fitness.map { 1 - $0 }
        var generationsRun = [Int](repeating: 0, count: identities)
        func best(_ identity: Int) -> Float { fitness[(identity * p)..<((identity + 1) * p)].max() ?? 0 }
        var history = [(0..<identities).map { 1 - best($0) }]

        for _ in 0..<configuration.generations {
            if environment.isCancelled { throw RunCancelled() }
            let active = (0..<identities).filter { ledger.canAfford(p - e, identity: $0) }
            if active.isEmpty { break }
            var childValues: [Float] = []
            var childRows: [Int] = []
            var next = latents
            var nextFitness = fitness
            for identity in active {
                let base = identity * p
                let slotFitness = fitness[base..<(base + p)]
                let order = (0..<p).sorted { slotFitness[base + $0] > slotFitness[base + $1] }
                for (slot, source) in order.prefix(e).enumerated() {
                    next.replaceSubrange(((base + slot) * size)..<((base + slot + 1) * size),
                                         with: latents[((base + source) * size)..<((base + source + 1) * size)])
                    nextFitness[base + slot] = fitness[base + source]
                }
                for slot in e..<p {
                    let (a, b) = (base + tournamentPick(slotFitness), base + tournamentPick(slotFitness))
                    childValues += child(of: latents[(a * size)..<((a + 1) * size)], and: latents[(b * size)..<((b + 1) * size)])
                    childRows.append(base + slot)
                }
                ledger.charge(p - e, identity: identity)
                generationsRun[identity] += 1
            }
            let children = setup.projected(Tensor(shape: [childRows.count, size], scalars: childValues))
            let childFitness = scores(children, rows: childRows)
            let projected = children.scalars
            for (j, row) in childRows.enumerated() {
                next.replaceSubrange((row * size)..<((row + 1) * size), with: projected[(j * size)..<((j + 1) * size)])
                nextFitness[row] = childFitness[j]
            }
            (latents, fitness) = (next, nextFitness)
            history.append((0..<identities).map { 1 - best($0) })
        }

        let rows = identities * p
        return setup.result(
            targets: targets, kept: Tensor(shape: [rows, size], scalars: latents), confidence: fitness,
            startObjective: startObjective, keptObjective: fitness.map { 1 - $0 },
            curves: (0..<rows).map { row in history.map { $0[row / p] } }, curveSteps: Array(history.indices),
            iterations: (0..<rows).map { generationsRun[$0 / p] },
            queries: (0..<rows).map { $0 % p == 0 ? ledger.spent[$0 / p] : 0 },
            seconds: Date().timeIntervalSince(began))
    }
}
