import InvLabCore
import InvLabTensor

/// Turns the descent's per-attempt outcome into an `AttackResult`: images in [0, 1], the
/// published model's target probability of every attempt, and per identity the attempt it scores
/// highest (first on ties), with that attempt's loss curve; with an active `selection`, the
/// attempt of best mean score under random transformations (PPA's final selection) instead.
enum AttackResultAssembly {
    static func result(targets: [Int], problem: SearchProblem, start: Tensor, outcome: SearchOutcome, seconds: Double,
                       selection: FinalSelection? = nil) -> AttackResult {
        let k = problem.restarts
        let images = problem.decodedImages(outcome.kept)
        let attempts = images.clamped(to: 0...1)
        var queries = outcome.queries
        var confidence = [Float](repeating: 0, count: problem.rows)

        // Attempts whose target probability is known at exactly the reported image need no query.
        var unknown: [Int] = []
        for row in 0..<problem.rows {
            if let known = outcome.keptConfidence[row], images.row(row) == attempts.row(row) {
                confidence[row] = known
            } else {
                unknown.append(row)
            }
        }
        if !unknown.isEmpty {
            let probabilities = problem.query(unknown.count == problem.rows ? attempts : attempts.gathering(rows: unknown))
            let classes = probabilities.shape[1]
            for (j, row) in unknown.enumerated() {
                confidence[row] = probabilities.scalars[j * classes + problem.rowTargets[row]]
                queries[row] += 1
            }
        }

        var score = confidence
        if let selection, selection.isActive {
            score = selection.scores(attempts, targets: problem.rowTargets) { problem.query($0) }
            for row in 0..<problem.rows { queries[row] += selection.configuration.transformations }
        }
        var selected: [Int] = []
        for identity in targets.indices {
            let rows = (identity * k)..<((identity + 1) * k)
            var bestRow = rows.lowerBound
            for row in rows where score[row] > score[bestRow] { bestRow = row }
            selected.append(bestRow - rows.lowerBound)
        }
        let selectedRows = selected.enumerated().map { $0.offset * k + $0.element }
        return AttackResult(
            targets: targets,
            reconstructions: attempts.gathering(rows: selectedRows),
            attempts: attempts,
            restarts: k,
            selectedAttempt: selected,
            attemptConfidence: confidence,
            lossCurves: selectedRows.map { outcome.curves[$0] },
            lossCurveSteps: outcome.curveSteps,
            queries: LambdaAwareAttack.addingShared(problem.sharedQueries, to: targets.indices.map { identity in queries[(identity * k)..<((identity + 1) * k)].reduce(0, +) }),
            iterations: targets.indices.map { identity in outcome.iterations[(identity * k)..<((identity + 1) * k)].max() ?? 0 },
            seconds: seconds,
            starts: problem.decodedImages(start.gathering(rows: selectedRows)).clamped(to: 0...1),
            objective: ObjectiveSplit(start: problem.objectiveTerms(start.gathering(rows: selectedRows),
                                                                    totals: selectedRows.map { outcome.startObjective[$0] }),
                                      end: problem.objectiveTerms(outcome.kept.gathering(rows: selectedRows),
                                                                  totals: selectedRows.map { outcome.keptObjective[$0] })))
    }

    /// The result of attacking no identity.
    static func empty(model: any PublishedModel, restarts: Int) -> AttackResult {
        let none = Tensor(zeros: [0] + model.inputShape)
        return AttackResult(targets: [], reconstructions: none, attempts: none, restarts: restarts, selectedAttempt: [],
                            attemptConfidence: [], lossCurves: [], lossCurveSteps: [], queries: [], iterations: [], seconds: 0)
    }
}
