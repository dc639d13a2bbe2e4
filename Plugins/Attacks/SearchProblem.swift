import Foundation
import InvLabCore
import InvLabTensor

/// One attack's optimisation problem, ready to run: the batch of attempts (identity-major rows,
/// `restarts` per attacked identity), the objective of equation (1) and the search variable
/// (pixels, or latents decoded by a fitted generator).
struct SearchProblem {
    let model: any PublishedModel
    /// Target class of every row (identity-major: identity `i`'s attempts are rows `i*k ..< (i+1)*k`).
    let rowTargets: [Int]
    let restarts: Int
    let identityLoss: IdentityLoss
    let identityWeight: Float
    /// Prepared regularizers with a non-zero weight.
    let regularizers: [any RegularizerPlugin]
    /// The fitted generator of a latent search; nil for pixel search.
    let decoder: (any ImageGenerator)?
    /// Box the search variable is projected to after every step (pixel projection or latent bounds).
    let bounds: ClosedRange<Float>?
    /// Shape of one row of the search variable (C, H, W or the latent size).
    let variableShape: [Int]
    /// The weight of `logit_maximisation`'s norm term.
    var logitNormWeight: Float = 0
    /// LOMMA's distilled surrogates, attacked together with `model` (the identity loss is averaged).
    var surrogates: [any PublishedModel] = []
    /// Queries spent before the search on behalf of all identities (the surrogates' distillation).
    var sharedQueries = 0

    var rows: Int { rowTargets.count }
    var isLatent: Bool { decoder != nil }

    /// Prepares everything the search needs: regularizers' priors, the generator fitted on the
    /// public set, the rows' targets, and the starting values (projected into `bounds`).
    static func prepare(_ settings: AttackSettings, components: AttackComponents, model: any PublishedModel,
                        resources: AttackResources) throws -> (problem: SearchProblem, start: Tensor) {
        for target in resources.targets where !(0..<model.classes).contains(target) {
            throw AttackError("attacked class \(target) does not exist: the published model has \(model.classes) classes")
        }
        var regularizers = components.regularizers
        for index in regularizers.indices { try regularizers[index].prepare(resources) }
        let rowTargets = resources.targets.flatMap { Array(repeating: $0, count: settings.restarts) }
        var random = SeededGenerator(seed: resources.seed).fork("attack-start")
        // Starts are drawn for every identity of the trial and the chunk's rows kept, so that an
        // identity starts from the same values however the trial is split into work units.
        let drawnRows = (resources.chunk?.allTargets.count).map { $0 * settings.restarts } ?? rowTargets.count
        let chunkRows = resources.chunk?.rows(restarts: settings.restarts)
        func keepChunk(_ drawn: Tensor) -> Tensor { chunkRows.map { drawn.gathering(rows: $0) } ?? drawn }

        var decoder: (any ImageGenerator)?
        var bounds = settings.projection.map { Float($0[0])...Float($0[1]) }
        let start: Tensor
        if let generatorPlugin = components.generator {
            guard resources.data.publicSet.count > 0 else {
                throw AttackError("latent search fits its generator on the public set, but this experiment has no public images; add a public split or source to `data`")
            }
            let fitted = try generatorPlugin.fit(publicImages: resources.data.publicSet.images, environment: resources.environment)
            decoder = fitted
            bounds = fitted.latentBounds
            var latents = keepChunk(try settings.start.latents(rows: drawnRows, of: fitted, generator: &random))
            if let bounds { latents.clamp(to: bounds) }
            let probe = fitted.generate(Var(constant: Tensor(zeros: [1, fitted.latentSize]))).value.shape
            guard Array(probe.dropFirst()) == model.inputShape else {
                throw AttackError("the generator makes images of shape \(Array(probe.dropFirst())), but the attacked model takes \(model.inputShape)")
            }
            start = latents
        } else {
            var pixels = keepChunk(try settings.start.pixels(rows: drawnRows, shape: model.inputShape,
                                                             meanPublicFace: resources.data.meanPublicFace, generator: &random))
            if let bounds { pixels.clamp(to: bounds) }
            start = pixels
        }
        var problem = SearchProblem(model: model, rowTargets: rowTargets, restarts: settings.restarts,
                                    identityLoss: settings.identityLoss, identityWeight: Float(settings.identityWeight),
                                    regularizers: regularizers.filter { $0.weight != 0 }, decoder: decoder, bounds: bounds,
                                    variableShape: Array(start.shape.dropFirst()), logitNormWeight: Float(settings.logitNormWeight))
        (problem.surrogates, problem.sharedQueries) = try components.augmentation.distil(from: model, config: settings.augmentation, resources: resources)
        return (problem, start)
    }

    /// The shared stage of a search (`invlab prepare`): the regularizers' priors and the
    /// generator fitted on the public set, made through the model cache without attacking.
    static func prepareShared(_ settings: AttackSettings, components: AttackComponents, resources: AttackResources) throws {
        var regularizers = components.regularizers
        for index in regularizers.indices { try regularizers[index].prepare(resources) }
        if let generator = components.generator, resources.data.publicSet.count > 0 {
            _ = try generator.fit(publicImages: resources.data.publicSet.images, environment: resources.environment)
        }
    }

    /// The images of search values `v` (the values themselves, or `G(v)`).
    func images(_ v: Var) -> Var {
        decoder.map { $0.generate(v) } ?? v
    }

    /// `sum_i w_i R_i(x)` per image, or nil without regularizers.
    func regularization(images x: Var, values v: Var) -> Var? {
        var total: Var?
        for regularizer in regularizers {
            let term = regularizer.penalty(images: x, latents: isLatent ? v : nil) * regularizer.weight
            total = total.map { $0 + term } ?? term
        }
        return total
    }

    /// The objective's terms per row, given each row's whole objective as the search evaluated it
    /// (`totals`): each weighted regularizer under its plugin id (several of one kind are
    /// numbered), computed without a tape and without asking the published model, and the
    /// weighted identity loss as the rest (so a query-only attack spends no query on this).
    func objectiveTerms(_ values: Tensor, totals: [Float]) -> [ObjectiveTerm] {
        let v = Var(constant: values)
        let x = images(v)
        var regularizerTerms: [ObjectiveTerm] = []
        for regularizer in regularizers {
            var name = type(of: regularizer).id
            if regularizerTerms.contains(where: { $0.name == name }) { name += "_\(regularizerTerms.count + 1)" }
            regularizerTerms.append(ObjectiveTerm(name: name, values: (regularizer.penalty(images: x, latents: isLatent ? v : nil) * regularizer.weight).value.scalars))
        }
        let identity = totals.indices.map { row in totals[row] - regularizerTerms.reduce(0) { $0 + $1.values[row] } }
        return [ObjectiveTerm(name: "identity_loss", values: identity)] + regularizerTerms
    }

    /// The full objective per row for search values `v` of rows with `targets`, shape `[N]`.
    func objective(_ v: Var, targets: [Int]) -> Var {
        let x = images(v)
        var loss = identityLoss.perImage(model.output(x), targets: targets, normWeight: logitNormWeight)
        for surrogate in surrogates {
            loss = loss + identityLoss.perImage(surrogate.output(x), targets: targets, normWeight: logitNormWeight)
        }
        let identity = loss * (identityWeight / Float(1 + surrogates.count))
        return regularization(images: x, values: v).map { identity + $0 } ?? identity
    }

    /// Images per call of `PublishedModel.query` (and per generator pass without a tape).
    static let queryChunk = 256

    /// Published probabilities of `images`, queried in chunks to bound memory.
    func query(_ images: Tensor, chunk: Int = SearchProblem.queryChunk) -> Tensor {
        images.mappingRowChunks(chunk) { model.query($0) }
    }

    /// Images of search values, computed without a tape (in chunks for a generator).
    func decodedImages(_ values: Tensor, chunk: Int = SearchProblem.queryChunk) -> Tensor {
        guard let decoder else { return values }
        return values.mappingRowChunks(chunk) { decoder.generate(Var(constant: $0)).value }
    }
}
