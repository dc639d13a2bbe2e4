import Foundation
import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor

/// A regulariser whose preparation cannot proceed (no public data, an unsuitable model).
public struct RegularizerPreparationError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Shared pieces of the learned priors: public data, cache keys, seeds, progress.
enum LearnedPrior {
    /// The public images a learned prior trains on, or an error that says how to provide them.
    static func publicImages(_ data: ExperimentData, for id: String) throws -> Tensor {
        guard data.publicSet.count > 0 else {
            throw RegularizerPreparationError(
                "regularizer '\(id)' trains on the public split, but this experiment has no public images; "
                    + "set data.public_identities (identities held out of the source) or data.public_source (another dataset)")
        }
        return data.publicSet.images
    }

    /// The data part of a cache key: the split description, sorted by key (it names the source,
    /// image shape, public identities, split seed), so the same public set gives the same key.
    static func dataFingerprint(_ data: ExperimentData) -> String {
        "data:" + data.splitDescription.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
    }

    /// The configuration as the cache sees it: every key in flow YAML, without `weight`, which
    /// scales the penalty but does not change the trained model (a sweep over weights trains once).
    static func trainingDescription<C: SpecConfig>(_ configuration: C) -> String {
        emitFlowYAML(configuration.specNode.removingEntry("weight"))
    }

    /// The seed of a prior's training, derived by name from the spec's seed.
    static func seed(_ specSeed: UInt64, for id: String) -> UInt64 {
        var generator = SeededGenerator(seed: specSeed).fork("regularizer:\(id)")
        return generator.next()
    }

    /// A progress callback for the generative trainers that reports epochs and losses.
    static func reporter(_ stage: ProgressStage) -> (GenerativeEpochReport) -> Void {
        { report in
            let losses = report.losses.sorted { $0.key < $1.key }.map { "\($0.key) " + String(format: "%.4f", $0.value) }
            stage.update(report.epoch, detail: losses.joined(separator: ", "))
        }
    }
}

/// Documentation shared by the regularisers.
enum RegularizerDocs {
    static func weight(_ reason: String) -> String {
        "Multiplier of the penalty in the attack objective (equation (1) of the article). " + reason
    }
}
