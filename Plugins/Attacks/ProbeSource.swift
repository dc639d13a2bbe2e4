import InvLabCore
import InvLabSpec
import InvLabTensor

/// The probe of an adaptive attack as the attack builds it: its `probe:` configuration and, when
/// it asks for generator samples, the generator plugin (built with the attack, so that validation
/// checks it; fitted on the public faces when the attack runs, through the model cache).
struct ProbeSource {
    /// The attack's id, for the error without public faces.
    let attack: String
    let config: ProbeConfig
    let generator: (any GeneratorPlugin)?

    /// Builds the probe of `config`, found at `<context.path>.probe`, for the attack `attack`.
    init(_ config: ProbeConfig, attack: String, context: BuildContext) throws {
        self.attack = attack
        self.config = config
        guard config.generatorSamples > 0 else {
            generator = nil
            return
        }
        let node = config.generator.path.isRoot
            ? PluginNode(id: config.generator.id, options: config.generator.options,
                         path: context.path.appending("probe").appending("generator"), idLocation: context.location, location: context.location)
            : config.generator
        generator = try context.registries.generators.build(node, context: context)
    }

    /// Probes `model` (`LambdaProbe.run`) on the public faces of `resources`, with random samples
    /// of the fitted generator among the probes when `generator_samples` asks for them. The
    /// attacker's probes are public faces: an experiment without them is an error.
    func run(_ model: any PublishedModel, resources: AttackResources) throws -> (inputs: Tensor, outputs: Tensor, estimate: LambdaEstimate) {
        guard resources.data.publicSet.count > 0 else {
            throw AttackError("\(attack) probes the published model on public faces, but this experiment has no public images; set data.public_identities or data.public_source")
        }
        let publicImages = resources.data.publicSet.images
        var samples: Tensor?
        if let generator {
            let fitted = try generator.fit(publicImages: publicImages, environment: resources.environment)
            var random = SeededGenerator(seed: resources.seed).fork("probe generator samples")
            let latents = fitted.sampleLatents(count: min(config.generatorSamples, config.budget), generator: &random)
            samples = latents.mappingRowChunks(256) { fitted.generate(Var(constant: $0)).value }
        }
        return LambdaProbe.run(model, publicImages: publicImages, config: config, seed: resources.seed, samples: samples)
    }
}
