import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor
import Testing

/// Every registered plugin: builds from its documented example, rejects an unknown key with a
/// suggestion, is deterministic under a seed and gives finite values.
@Suite("Plugin conformance")
struct ConformanceTests {
    @Test("every dataset but those with their own suites runs in the determinism test") func runnable() {
        let datasets = allPluginDescriptors.filter { $0.kind == .dataset }.map(\.id)
        #expect(Set(datasets).subtracting(externalDataPlugins) == ["synthetic_faces"])
        #expect(externalDataPlugins.isSubset(of: Set(datasets)), "an excluded dataset is no longer registered")
    }

    @Test("the catalogue has every kind") func kinds() {
        for kind in PluginKind.allCases { #expect(allPluginDescriptors.contains { $0.kind == kind }, "no \(kind) plugin") }
    }

    @Test("builds from its documented example", arguments: allPluginDescriptors)
    func buildsFromExample(_ descriptor: PluginDescriptor) throws {
        let registries = try Builtins.registries()
        let node = try pluginNode(descriptor.example)
        #expect(node.id == descriptor.id, "the example of \(descriptor.id) names \(node.id)")
        #expect(throws: Never.self) { try build(descriptor.kind, node, registries) }
        #expect(!descriptor.summary.isEmpty && !descriptor.summary.contains("\n"))
        for field in descriptor.fields { #expect(!field.doc.isEmpty, "\(descriptor.id).\(field.name) has no documentation") }
    }

    @Test("rejects an unknown key with a suggestion", arguments: allPluginDescriptors)
    func rejectsUnknownKey(_ descriptor: PluginDescriptor) throws {
        let registries = try Builtins.registries()
        let misspelt = descriptor.fields.first.map { String($0.name.dropLast()) + "x" } ?? "colour"
        let node = try pluginNode("type: \(descriptor.id)\n\(misspelt): 1\n")
        do {
            try build(descriptor.kind, node, registries)
            Issue.record("\(descriptor.id) accepted the unknown key '\(misspelt)'")
        } catch let error as SpecError {
            let diagnostic = try #require(error.diagnostics.first { $0.message == "unknown key '\(misspelt)'" })
            #expect(diagnostic.path?.description == "plugin.\(misspelt)")
            if let field = descriptor.fields.first {
                #expect(diagnostic.notes.contains("did you mean '\(field.name)'?"), "\(diagnostic.notes)")
            }
        }
    }

    @Test("is deterministic under a seed and finite", arguments: runnablePluginDescriptors)
    func deterministic(_ descriptor: PluginDescriptor) throws {
        let registries = try Builtins.registries()
        let node = try pluginNode(descriptor.example)
        let short = PluginNode(id: node.id, options: shortened(node.options), path: node.path)
        let first = try ConformanceRun.output(descriptor.kind, short, registries)
        let second = try ConformanceRun.output(descriptor.kind, short, registries)
        #expect(first.isFinite, "\(descriptor.id) produced non-finite values")
        #expect(first.identical(to: second), "\(descriptor.id) is not deterministic")
    }
}

@discardableResult
func build(_ kind: PluginKind, _ node: PluginNode, _ registries: Registries) throws -> Any {
    let context = buildContext(registries)
    switch kind {
    case .dataset: return try registries.datasets.build(node, context: context)
    case .recognizer: return try registries.recognizers.build(node, context: context)
    case .generator: return try registries.generators.build(node, context: context)
    case .regularizer: return try registries.regularizers.build(node, context: context)
    case .optimizer: return try registries.optimizers.build(node, context: context)
    case .attack: return try registries.attacks.build(node, context: context)
    case .defense: return try registries.defenses.build(node, context: context)
    case .metric: return try registries.metrics.build(node, context: context)
    case .judge: return try registries.judges.build(node, context: context)
    }
}

/// Runs a plugin on the tiny fixtures and returns what it produced, as one tensor.
enum ConformanceRun {
    static func output(_ kind: PluginKind, _ node: PluginNode, _ registries: Registries) throws -> Tensor {
        let context = buildContext(registries)
        switch kind {
        case .dataset:
            precondition(!externalDataPlugins.contains(node.id), "\(node.id) reads external data")
            return try registries.datasets.build(node, context: context).load(tinyEnvironment()).images
        case .recognizer:
            let architecture = try registries.recognizers.build(node, context: context).architecture(inputShape: [1, 16, 16], classes: 4)
            return Network(architecture, inputShape: [1, 16, 16], seed: 4).predict(tinyData.privateTest.images)
        case .generator:
            let generator = try registries.generators.build(node, context: context).fit(publicImages: tinyData.publicSet.images, environment: tinyEnvironment())
            var random = SeededGenerator(seed: 1)
            return generator.generate(Var(constant: generator.sampleLatents(count: 2, generator: &random))).value
        case .regularizer:
            var regularizer = try registries.regularizers.build(node, context: context)
            try regularizer.prepare(attackResources(registries))
            let images = tinyData.privateTest.images
            let (value, gradient) = valueWithGradient(at: images) { regularizer.penalty(images: $0, latents: nil).sum() }
            return Tensor.concatenate([value.reshaped([1]), gradient.reshaped([-1])], alongAxis: 0)
        case .optimizer:
            var optimizer = try registries.optimizers.build(node, context: context).makeOptimizer()
            var values = [Tensor([1, -2, 3])]
            for _ in 0..<3 { optimizer.update(&values, gradients: [values[0] * 2]) }
            return values[0]
        case .attack:
            let result = try registries.attacks.build(node, context: context).run(against: NetworkModel(try tinyTarget()), resources: attackResources(registries))
            return result.reconstructions
        case .defense:
            let defense = try registries.defenses.build(node, context: context)
            let model = try defense.wrap(NetworkModel(try tinyTarget()), resources: defenseResources(registries))
            return model.query(tinyData.privateTest.images)
        case .metric:
            let metric = try registries.metrics.build(node, context: context)
            let target = try tinyTarget()
            let images = tinyData.privateTest.images
            let confidence = Tensor.softmaxLastAxis(target.predict(images)).scalars.enumerated().filter { $0.offset % 5 == 0 }.map(\.element)
            let attack = AttackResult(targets: [0, 1, 2, 3], reconstructions: images, attempts: images, restarts: 1, selectedAttempt: [0, 0, 0, 0],
                                      attemptConfidence: confidence, lossCurves: Array(repeating: [1, 0.5], count: 4), lossCurveSteps: [0, 1],
                                      queries: [10, 10, 10, 10], iterations: [5, 5, 5, 5], seconds: 0)
            let input = MetricInput(attack: attack, evaluator: target, evaluatorIsTarget: false, data: tinyData,
                                    published: NetworkModel(target), undefended: NetworkModel(target))
            let values = try metric.measure(input)
            var flat: [Float] = []
            for column in metric.columns {
                switch values[column.name] {
                case .perIdentity(let list)?: flat += list.map { Float($0) }
                case .trial(let value)?: flat.append(Float(value))
                case nil: Issue.record("\(node.id) gave no value for its column \(column.name)")
                }
            }
            // NaN marks a missing value (e.g. decoy_rate without decoys): compare it as a marker.
            return Tensor(flat.map { $0.isNaN ? -12345 : $0 })
        case .judge:
            let judge = try registries.judges.build(node, context: context)
            let target = try tinyTarget()
            let resources = JudgeResources(data: tinyData, environment: tinyEnvironment(), registries: registries,
                                           evaluatorNode: PluginNode(id: "mlp", options: .mapping([
                                               MappingEntry(key: "hidden", value: .sequence([.value(.int(8))])),
                                           ])),
                                           targetNode: PluginNode(id: "softmax_regression"), evaluator: target, evaluatorIsTarget: false, targetFingerprint: ["target"], specSeed: 5,
                                           dataFingerprint: "tiny", context: context)
            let prepared = try judge.prepare(resources)
            #expect(prepared.name == judge.name)
            return prepared.judge.scores(tinyData.privateTest.images)
        }
    }
}
