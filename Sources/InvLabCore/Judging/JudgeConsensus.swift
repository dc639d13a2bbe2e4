import Foundation

/// The headline of attack success across a run: the majority verdict of the judges that are valid
/// in **every** completed trial of the run.
///
/// Each trial tests each judge (`valid_<judge>`), but rows of one table are only comparable when
/// the same judges decide all of them: a judge fooled by the attack on the undefended target and
/// merely not *demonstrably* fooled by the weaker perturbations of a defended row would otherwise
/// count in the defended row only and inflate it. So a judge counts for the run's headline only
/// if it passed in every completed trial, and the consensus columns of a trial whose own valid set
/// differs are recomputed from the per-judge columns (`attack_top1_<judge>`,
/// `attack_top<k>_<judge>`, `attack_top1_all_attempts_<judge>`). The computation is idempotent
/// and runs whenever outcomes are recorded or read, so a later trial that invalidates a judge
/// updates every row.
public enum JudgeConsensus {
    /// The vote of the valid judges on one reconstruction: 1 when a majority say hit, 0 when a
    /// majority say miss, 0.5 on an even split; NaN without valid judges.
    public static func vote(_ hits: [Bool]) -> Double {
        guard !hits.isEmpty else { return .nan }
        let yes = hits.filter { $0 }.count
        return 2 * yes > hits.count ? 1 : (2 * yes == hits.count ? 0.5 : 0)
    }

    /// Judge names of an outcome (from its `valid_<judge>` values).
    static func judgeNames(_ outcome: TrialOutcome) -> [String] {
        outcome.values.keys.filter { $0.hasPrefix("valid_") }.map { String($0.dropFirst("valid_".count)) }.sorted()
    }

    /// The judges valid in every completed trial (sorted by name).
    public static func runValidJudges(_ outcomes: [TrialOutcome]) -> [String] {
        let completed = outcomes.filter { $0.status == .completed }
        let names = Set(completed.flatMap(judgeNames)).sorted()
        return names.filter { name in completed.allSatisfy { $0.values["valid_\(name)"] == 1 } }
    }

    /// `outcomes` with the consensus columns of every completed trial computed from the judges
    /// valid across the run. Outcomes without a judge panel are returned unchanged.
    public static func apply(_ outcomes: [TrialOutcome]) -> [TrialOutcome] {
        let completed = outcomes.filter { $0.status == .completed }
        guard completed.contains(where: { !judgeNames($0).isEmpty }) else { return outcomes }
        let valid = runValidJudges(outcomes)
        return outcomes.map { outcome in
            guard outcome.status == .completed, !judgeNames(outcome).isEmpty else { return outcome }
            var outcome = outcome
            let trialValid = judgeNames(outcome).filter { outcome.values["valid_\($0)"] == 1 }
            outcome.values["judges_valid"] = Double(valid.count)
            guard trialValid != valid else { return outcome }
            let topK = outcome.values.keys.compactMap { key -> String? in
                guard key.hasPrefix("attack_top"), let k = Int(key.dropFirst("attack_top".count)), k > 1 else { return nil }
                return key
            }
            for column in ["attack_top1"] + topK {
                recompute(&outcome, column: column) { row in vote(valid.map { row.values["\(column)_\($0)"] == 1 }) }
            }
            recompute(&outcome, column: "attack_top1_all_attempts") { row in
                let shares = valid.compactMap { row.values["attack_top1_all_attempts_\($0)"] }
                guard shares.count == valid.count else { return .nan }
                // One attempt per identity: shares are verdicts, and the vote is exact. With
                // restarts the per-attempt verdicts are not recorded: the average valid judge's share.
                if shares.allSatisfy({ $0 == 0 || $0 == 1 }) { return vote(shares.map { $0 == 1 }) }
                return shares.isEmpty ? .nan : shares.reduce(0, +) / Double(shares.count)
            }
            return outcome
        }
    }

    /// Sets the per-identity values of `column` and its trial mean and standard deviation.
    static func recompute(_ outcome: inout TrialOutcome, column: String, _ value: (IdentityRow) -> Double) {
        guard outcome.values[column] != nil else { return }
        for index in outcome.identities.indices { outcome.identities[index].values[column] = value(outcome.identities[index]) }
        let (mean, std) = MetricAggregation.meanAndStd(outcome.identities.compactMap { $0.values[column] })
        outcome.values[column] = mean
        if outcome.values[column + "_std"] != nil { outcome.values[column + "_std"] = std }
        if outcome.values[column + "_ci_low"] != nil {
            (outcome.values[column + "_ci_low"], outcome.values[column + "_ci_high"]) = MetricAggregation.interval(outcome.identities.compactMap { $0.values[column] })
        }
    }
}
