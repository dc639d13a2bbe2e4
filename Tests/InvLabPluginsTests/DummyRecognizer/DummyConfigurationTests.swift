import Foundation
import InvLabCore
import InvLabDefenses
import InvLabDummyRecognizer
import InvLabSpec
import Testing

/// Every defense's example builds, and bad configurations give exact diagnostics at validation.
@Suite("Defense configurations: examples and diagnostics")
struct DummyConfigurationTests {
    static let ids = ["rounding", "top_k", "label_only", "output_noise", "mid", "label_smoothing", "dummy_recognizer"]

    @Test("each defense is registered, documented, and its example builds", arguments: ids)
    func exampleBuilds(id: String) throws {
        let registries = try DefenseTestKit.registries()
        let descriptor = try #require(registries.defenses.descriptor(id))
        #expect(!descriptor.summary.isEmpty && !descriptor.documentation.isEmpty)
        #expect(descriptor.fields.allSatisfy { !$0.doc.isEmpty && ($0.required || $0.defaultText != nil) })
        _ = try DefenseTestKit.build(descriptor.example, registries: registries)
    }

    @Test("the dummy recognizer's keys and defaults")
    func dummyDefaults() throws {
        let registries = try DefenseTestKit.registries()
        let fields = try #require(registries.defenses.descriptor("dummy_recognizer")).fields
        #expect(fields.map(\.name) == ["lambda", "source", "images_per_identity", "latent_variation", "recognizer", "real_negatives", "real_negative_weight"])
        #expect(fields.map { $0.defaultText ?? "required" } == [
            "0.25", "{type: synthetic_faces}", "10", "0.3", "{type: cnn, channels: [16, 32], hidden: [128]}", "public", "1.0",
        ])
        #expect(fields[0].type == "a number in [0, 1]")
    }

    @Test("bad configurations give exact diagnostics", arguments: [
        ("{type: dummy_recognizer, lambda: 1.5}", """
            defense.yaml:1:34: error: expected a number in [0, 1], got 1.5 (at defense.lambda)
                1 | {type: dummy_recognizer, lambda: 1.5}
                  |                                  ^
            """),
        ("{type: dummy_recognizer, lambda: -0.1}", """
            defense.yaml:1:34: error: expected a number in [0, 1], got -0.1 (at defense.lambda)
                1 | {type: dummy_recognizer, lambda: -0.1}
                  |                                  ^
            """),
        ("{type: dummy_recognizer, source: {type: synthetic_face}}", """
            defense.yaml:1:41: error: unknown source 'synthetic_face' (at defense.source.type)
                1 | {type: dummy_recognizer, source: {type: synthetic_face}}
                  |                                         ^
            note: did you mean 'synthetic_faces'?
            """),
        ("{type: dummy_recognizer, source: {type: synthetic_faces, identites: 3}}", """
            defense.yaml:1:58: error: unknown key 'identites' (at defense.source.identites)
                1 | {type: dummy_recognizer, source: {type: synthetic_faces, identites: 3}}
                  |                                                          ^
            note: did you mean 'identities'?
            """),
        ("{type: dummy_recognizer, recognizer: {type: cnn, train: {validation_fraction: 0.2}}, source: nothing}", """
            defense.yaml:1:79: error: the dummy recognizer is trained without a validation split; set validation_fraction to 0 (at defense.recognizer.train.validation_fraction)
                1 | {type: dummy_recognizer, recognizer: {type: cnn, train: {validation_fraction: 0.2}}, source: nothing}
                  |                                                                               ^
            defense.yaml:1:94: error: unknown source 'nothing' (at defense.source.type)
                1 | {type: dummy_recognizer, recognizer: {type: cnn, train: {validation_fraction: 0.2}}, source: nothing}
                  |                                                                                              ^
            note: known sources (dataset and generator plugins): orl, mnist5k, idx, image_folder, synthetic_faces
            """),
        ("{type: dummy_recognizer, real_negative_weight: 0}", """
            defense.yaml:1:48: error: expected a number in (0, 100], got 0 (at defense.real_negative_weight)
                1 | {type: dummy_recognizer, real_negative_weight: 0}
                  |                                                ^
            """),
        ("{type: rounding, digits: 9, attacker_gradient: straight}", """
            defense.yaml:1:26: error: expected an integer in [0, 6], got 9 (at defense.digits)
                1 | {type: rounding, digits: 9, attacker_gradient: straight}
                  |                          ^
            defense.yaml:1:48: error: unknown value 'straight' (at defense.attacker_gradient)
                1 | {type: rounding, digits: 9, attacker_gradient: straight}
                  |                                                ^
            note: expected one of: straight_through, none
            """),
        ("{type: label_only, attacker_gradient: straight_trough}", """
            defense.yaml:1:39: error: unknown value 'straight_trough' (at defense.attacker_gradient)
                1 | {type: label_only, attacker_gradient: straight_trough}
                  |                                       ^
            note: did you mean 'straight_through'?
            """),
        ("{type: top_k, k: 0}", """
            defense.yaml:1:18: error: expected an integer >= 1, got 0 (at defense.k)
                1 | {type: top_k, k: 0}
                  |                  ^
            """),
        ("{type: label_smoothing, factor: 1}", """
            defense.yaml:1:33: error: expected a number in [-1, 1), got 1 (at defense.factor)
                1 | {type: label_smoothing, factor: 1}
                  |                                 ^
            """),
        ("{type: mid, beta: -1, bottleneck: 0}", """
            defense.yaml:1:19: error: expected a number in [0, 100], got -1 (at defense.beta)
                1 | {type: mid, beta: -1, bottleneck: 0}
                  |                   ^
            defense.yaml:1:35: error: expected an integer in [1, 65536], got 0 (at defense.bottleneck)
                1 | {type: mid, beta: -1, bottleneck: 0}
                  |                                   ^
            """),
        ("{type: output_noise, sigma: -0.1, seed: -3}", """
            defense.yaml:1:29: error: expected a number in [0, 10], got -0.1 (at defense.sigma)
                1 | {type: output_noise, sigma: -0.1, seed: -3}
                  |                             ^
            defense.yaml:1:41: error: expected a seed >= 0, got -3 (at defense.seed)
                1 | {type: output_noise, sigma: -0.1, seed: -3}
                  |                                         ^
            """),
    ])
    func diagnostics(yaml: String, expected: String) throws {
        let actual = DefenseTestKit.diagnostics(yaml, registries: try DefenseTestKit.registries())
        #expect(actual == expected)
    }

    @Test("an unknown source is suggested among dataset and generator plugins")
    func suggestionAmongGenerators() throws {
        let registries = try DummyRecognizerTestKit.registriesWithGenerator()
        #expect(DefenseTestKit.diagnostics("{type: dummy_recognizer, source: {type: test_pattern_generatr}}", registries: registries) == """
            defense.yaml:1:41: error: unknown source 'test_pattern_generatr' (at defense.source.type)
                1 | {type: dummy_recognizer, source: {type: test_pattern_generatr}}
                  |                                         ^
            note: did you mean 'test_pattern_generator'?
            """)
        #expect(DefenseTestKit.diagnostics("{type: dummy_recognizer, source: {type: test_pattern_generator, contrast: 2}}", registries: registries) == """
            defense.yaml:1:75: error: expected a number in [0, 1], got 2 (at defense.source.contrast)
                1 | {type: dummy_recognizer, source: {type: test_pattern_generator, contrast: 2}}
                  |                                                                           ^
            """)
    }
}
