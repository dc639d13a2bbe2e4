import InvLabCore
import InvLabSpec
import InvLabTensor

/// The probe of an adaptive attack as the attack builds it: its `probe:` configuration and, when
/// it asks for generator samples, the generator plugin (built with the attack, so that validation
/// checks it; fitted on the public faces when the attack runs, through the model cache).
struct ProbeSource {
    let config: ProbeConfig
    let generator: (any GeneratorPlugin)?

    /// Builds the probe of `config`, found at `<context.path>.probe`.
    init(_ config: ProbeConfig, context: BuildContext) throws {
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
    /// of the fitted generator among the probes when `generator_samples` asks for them.
    func run(_ model: any PublishedModel, resources: AttackResources) throws -> (inputs: Tensor, outputs: Tensor, estimate: LambdaEstimate) {
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
