import InvLabAttacks
import InvLabCore
import InvLabSpec
import Testing

/// Diagnostics for bad attack configurations, exactly as `invlab validate` prints them.
@Suite struct AttackConfigurationTests {
    typealias Kit = AttackTestKit

    @Test(arguments: [
        ("type: gradient\nidentity_loss: cross_entropi", """
            attack.yaml:2:16: error: unknown value 'cross_entropi' (at attack.identity_loss)
                2 | identity_loss: cross_entropi
                  |                ^
            note: did you mean 'cross_entropy'?
            """),
        ("type: gradient\nsearch: {space: latent}", """
            attack.yaml:2:17: error: search space 'latent' needs a generator (at attack.search.space)
                2 | search: {space: latent}
                  |                 ^
            note: write e.g. `search: {space: latent, generator: {type: dcgan}}`
            """),
        ("type: gradient\nrestarts: 0", """
            attack.yaml:2:11: error: expected an integer in [1, 10000], got 0 (at attack.restarts)
                2 | restarts: 0
                  |           ^
            """),
        ("type: gradient\nregularizers: [{type: anchr}]", """
            attack.yaml:2:23: error: unknown regularizer 'anchr' (at attack.regularizers[0].type)
                2 | regularizers: [{type: anchr}]
                  |                       ^
            note: did you mean 'anchor'?
            """),
        ("type: gradient\noptimizer: {type: gradient_descent, lr: -1}", """
            attack.yaml:2:41: error: expected a number > 0, got -1 (at attack.optimizer.lr)
                2 | optimizer: {type: gradient_descent, lr: -1}
                  |                                         ^
            """),
        ("type: gradient\ninit: {type: random_latent}", """
            attack.yaml:2:14: error: init type 'random_latent' does not apply to search space 'pixels' (at attack.init.type)
                2 | init: {type: random_latent}
                  |              ^
            note: with search space 'pixels' use one of: auto, zeros, constant, uniform, mean_public_face
            """),
        ("type: gradient\nsearch: {space: latent, generator: test_linear}\ninit: {type: uniform}", """
            attack.yaml:3:14: error: init type 'uniform' does not apply to search space 'latent' (at attack.init.type)
                3 | init: {type: uniform}
                  |              ^
            note: with search space 'latent' use one of: auto, zeros, random_latent
            """),
        ("type: gradient\nsearch: {generator: test_linear}", """
            attack.yaml:2:21: error: a generator is only used by latent search (at attack.search.generator)
                2 | search: {generator: test_linear}
                  |                     ^
            note: set `space: latent` to search the generator's latent space, or remove `generator`
            """),
        ("type: gradient\nprojection: [1, 0]", """
            attack.yaml:2:13: error: expected [low, high] with low < high (at attack.projection)
                2 | projection: [1, 0]
                  |             ^
            """),
        ("type: gradient\ninit: {type: uniform, low: 0.6, high: 0.4}", """
            attack.yaml:2:39: error: a uniform start needs low < high, got low 0.6 and high 0.4 (at attack.init.high)
                2 | init: {type: uniform, low: 0.6, high: 0.4}
                  |                                       ^
            """),
        ("type: query\nsamples: 5", """
            attack.yaml:2:10: error: expected an even number of samples (antithetic pairs), got 5 (at attack.samples)
                2 | samples: 5
                  |          ^
            """),
        ("type: query\nsamples: 10\nrestarts: 3\nquery_budget: 35", """
            attack.yaml:4:15: error: query_budget 35 cannot pay for one step: restarts x (samples + 2) = 36 queries per identity (at attack.query_budget)
                4 | query_budget: 35
                  |               ^
            note: each attempt spends samples + 1 queries on its start and its gradient estimate, then 1 on the step it takes
            """),
        ("type: gradient\nsamples: 10", """
            attack.yaml:2:1: error: unknown key 'samples' (at attack.samples)
                2 | samples: 10
                  | ^
            note: known keys: identity_loss, identity_weight, logit_norm_weight, regularizers, optimizer, search, iterations, restarts, init, projection, early_stopping, keep_best, curve_every, augmentation, final_selection
            """),
        ("type: gradient\nregularizers: [{type: anchr}]\noptimizer: {type: gradient_descent, lr: -1}", """
            attack.yaml:2:23: error: unknown regularizer 'anchr' (at attack.regularizers[0].type)
                2 | regularizers: [{type: anchr}]
                  |                       ^
            note: did you mean 'anchor'?
            attack.yaml:3:41: error: expected a number > 0, got -1 (at attack.optimizer.lr)
                3 | optimizer: {type: gradient_descent, lr: -1}
                  |                                         ^
            """),
    ])
    func badConfigurationsAreReportedExactly(yaml: String, expected: String) throws {
        let rendered = try Kit.diagnostics(yaml)
        #expect(rendered == expected)
    }

    @Test func everyKeyHasADocumentedDefault() throws {
        let registries = try Kit.registries()
        for id in ["gradient", "query"] {
            let descriptor = try #require(registries.attacks.descriptor(id))
            #expect(descriptor.fields.allSatisfy { !$0.required && $0.defaultText != nil && !$0.doc.isEmpty })
            #expect(descriptor.fields.map(\.name).starts(with: ["identity_loss", "identity_weight", "logit_norm_weight", "regularizers", "optimizer", "search",
                                                                 "iterations", "restarts", "init", "projection", "early_stopping",
                                                                 "keep_best", "curve_every"]))
        }
    }

    @Test func examplesBuildWithTheTestDoublesOfOtherKinds() throws {
        _ = try Kit.build(GradientAttack.example.replacingOccurrences(of: "total_variation", with: "anchor"))
        _ = try Kit.build(QueryAttack.example)
    }
}
