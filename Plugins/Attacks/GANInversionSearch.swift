import Foundation
import InvLabCore
import InvLabGenerators
import InvLabNN
import InvLabTensor

/// An attack that trains its own GAN with the target's labels of the public faces (KEDMI, PLG-MI).
public protocol GANInversionAttack: AttackPlugin {
    /// The GAN (trained, or loaded from the model cache) and the queries its labels cost.
    func fitGAN(_ model: any PublishedModel, resources: AttackResources) throws -> (gan: InversionGAN, queries: Int)
}

extension GANInversionAttack {
    /// `invlab prepare` trains the GAN into the model cache.
    public func prepareShared(against model: any PublishedModel, resources: AttackResources) throws {
        _ = try fitGAN(model, resources: resources)
    }
}

/// The shared steps of the attacks that train their own inversion-specific GAN (KEDMI, PLG-MI):
/// the public images and the target's outputs on them, Adam on the search variables, and the
/// result of scored attempts.
enum GANInversionSearch {
    /// The public images and the published model's probabilities for them (one query each).
    static func publicOutputs(_ id: String, model: any PublishedModel, data: ExperimentData) throws -> (images: Tensor, probabilities: Tensor) {
        guard data.publicSet.count > 0 else {
            throw AttackError("\(id) trains its GAN on the public faces labelled by the target, but this experiment has no public images; set data.public_identities or data.public_source")
        }
        let images = data.publicSet.images
        return (images, images.mappingRowChunks(SearchProblem.queryChunk) { model.query($0) })
    }

    /// Minimises `objective` (one loss per row, summed) over `variables` by Adam for `iterations`
    /// steps, clamping `variables[0]` to [-1, 1] (the support of the GANs' U(-1, 1) latent prior)
    /// after every step; returns every row's loss at every step (`rows x iterations`).
    static func minimise(_ variables: inout [Tensor], iterations: Int, lr: Float, environment: RunEnvironment, stage name: String,
                         objective: (_ step: Int, _ variables: [Var]) -> Var) throws -> [[Float]] {
        var optimizer = Adam(learningRate: lr)
        var curves: [[Float]] = []
        let stage = environment.progress.stage(name, total: iterations, unit: "steps")
        for step in 0..<iterations {
            if environment.isCancelled { throw RunCancelled() }
            var rows = Tensor(zeros: [0])
            let (_, gradients) = valueWithGradient(at: variables) { v in
                let losses = objective(step, v)
                rows = losses.value
                return losses.sum()
            }
            guard rows.scalars.allSatisfy(\.isFinite) else { throw NumericalFault(stage: name, step: step, quantity: "objective") }
            if curves.isEmpty { curves = Array(repeating: [], count: rows.shape[0]) }
            for (row, value) in rows.scalars.enumerated() { curves[row].append(value) }
            optimizer.update(&variables, gradients: gradients)
            variables[0] = variables[0].clamped(to: -1...1)
            stage.update(step + 1, detail: String(format: "mean objective %.4f", rows.scalars.reduce(0, +) / Float(max(rows.shape[0], 1))))
        }
        stage.finish("\(iterations) steps")
        return curves
    }

    /// The result of `restarts` attempts per identity (identity-major images in [0, 1]): each is
    /// scored by one query, the most confident kept. `starts` are the images the attempts started
    /// from (the generator at the search variables' initial values, same rows); the kept attempt's
    /// start is reported, so that the judges' pasted-perturbation test and the start baselines of
    /// the similarity metrics apply to these attacks as to every other.
    static func result(targets: [Int], attempts: Tensor, starts: Tensor, restarts: Int, model: any PublishedModel, curves: [[Float]],
                       searchQueries: [Int], sharedQueries: Int, iterations: Int, seconds: Double) -> AttackResult {
        let images = attempts.clamped(to: 0...1)
        let probabilities = images.mappingRowChunks(SearchProblem.queryChunk) { model.query($0) }
        let classes = probabilities.shape[1]
        let confidence = (0..<images.shape[0]).map { probabilities.scalars[$0 * classes + targets[$0 / restarts]] }
        let selected = targets.indices.map { identity in
            let rows = (identity * restarts)..<((identity + 1) * restarts)
            return rows.reduce(rows.lowerBound) { confidence[$1] > confidence[$0] ? $1 : $0 } - rows.lowerBound
        }
        let selectedRows = selected.enumerated().map { $0.offset * restarts + $0.element }
        let perIdentity = targets.indices.map { searchQueries[$0] + restarts }
        return AttackResult(targets: targets, reconstructions: images.gathering(rows: selectedRows), attempts: images, restarts: restarts,
                            selectedAttempt: selected, attemptConfidence: confidence, lossCurves: curves,
                            lossCurveSteps: Array(0..<iterations), queries: LambdaAwareAttack.addingShared(sharedQueries, to: perIdentity),
                            iterations: Array(repeating: iterations, count: targets.count), seconds: seconds,
                            starts: starts.clamped(to: 0...1).gathering(rows: selectedRows))
    }
}
