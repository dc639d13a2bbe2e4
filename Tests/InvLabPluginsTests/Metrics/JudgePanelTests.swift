import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabNN
import InvLabTensor
import InvLabTestSupport
import Testing

/// The judge panel's validity tests and consensus on planted 1 x 1 x 6 "faces": pixels 0-2 are
/// the face (person t is e_t), pixels 3-5 a channel that only attacks use (the change of an
/// attack on person t is 0.5 e_(3+t)).
@Suite("Judge panel: pasted-perturbation test, consensus, baselines, dose")
struct JudgePanelTests {
    static let classes = 3

    /// Logits W x with W = [I | reads I]: `reads` = 3 sees the attack channel, 0 cannot see it.
    static func judgeNetwork(reads: Float) -> Network {
        var weights = [Float](repeating: 0, count: 3 * 6)
        for k in 0..<3 {
            weights[k * 6 + k] = 1
            weights[k * 6 + 3 + k] = reads
        }
        return MetricTestKit.linearNetwork(d: 6, classes: 3, weights: weights)
    }

    static func face(_ person: Int, jitter: Float = 0) -> [Float] {
        var x: [Float] = [0.2, 0.2, 0.2, 0, 0, 0]
        x[person] = 0.8
        x[(person + 1) % 3] += jitter
        return x
    }

    static var data: ExperimentData {
        let train = MetricTestKit.set((0..<3).flatMap { p in [face(p), face(p, jitter: 0.1)] }, labels: [0, 0, 1, 1, 2, 2])
        let test = MetricTestKit.set((0..<3).map { face($0, jitter: 0.05) }, labels: [0, 1, 2])
        var data = MetricTestKit.data(train: train, test: test, classes: classes)
        // Public faces: other people, a mixture of the three face pixels.
        let publicFaces: [[Float]] = [[0.5, 0.4, 0.3, 0, 0, 0], [0.3, 0.5, 0.4, 0, 0, 0], [0.4, 0.3, 0.5, 0, 0, 0], [0.45, 0.45, 0.3, 0, 0, 0]]
        data.publicSet = MetricTestKit.set(publicFaces, labels: [0, 1, 2, 3])
        data.publicClassNames = ["a", "b", "c", "d"]
        return data
    }

    /// Every person attacked from the mean public face; the attack moves only the attack channel.
    static var attack: AttackResult {
        let start: [Float] = [0.4, 0.4, 0.4, 0, 0, 0]
        let reconstructions = (0..<3).map { t -> [Float] in
            var x = start
            x[3 + t] = 0.5
            return x
        }
        var result = MetricTestKit.attack(targets: [0, 1, 2], reconstructions: MetricTestKit.batch(reconstructions))
        result.starts = MetricTestKit.batch(Array(repeating: start, count: 3))
        return result
    }

    static func input(judges: [PreparedJudge]) -> MetricInput {
        MetricInput(attack: attack, evaluator: judgeNetwork(reads: 3), evaluatorIsTarget: false, data: data,
                    published: NetworkModel(judgeNetwork(reads: 3)), undefended: NetworkModel(judgeNetwork(reads: 3)),
                    judges: judges, seed: 11)
    }

    static let names = ["fooled", "blind", "target"]
    static var panel: [PreparedJudge] { [
        PreparedJudge(name: "fooled", judge: NetworkJudge(network: judgeNetwork(reads: 3))),
        PreparedJudge(name: "blind", judge: NetworkJudge(network: judgeNetwork(reads: 0))),
        PreparedJudge(name: "target", judge: NetworkJudge(network: judgeNetwork(reads: 0)), isTarget: true),
    ] }

    func build(_ yaml: String) throws -> any MetricPlugin {
        let registries = try Builtins.registries()
        var context = BuildContext(specDirectory: URL(fileURLWithPath: "/tmp"), seed: 7, registries: registries)
        context.judgeNames = Self.names
        return try MetricTestKit.build(yaml, context: context)
    }

    @Test("the default panel: the evaluator, an adversarially trained copy, a ResNet at half resolution, Fisherfaces")
    func defaultPanel() throws {
        let registries = try Builtins.registries()
        let context = BuildContext(specDirectory: URL(fileURLWithPath: "/tmp"), seed: 1, registries: registries)
        let judges = try registries.defaultJudges.map { try registries.judges.build($0, context: context) }
        #expect(judges.map(\.name) == ["evaluator", "adversarial", "resnet_half", "fisherfaces"])
    }

    @Test("a judge that reads the attack's perturbation fails the pasted test; one that cannot see it passes; the target never counts")
    func pastedPerturbation() throws {
        let input = Self.input(judges: Self.panel)
        var values = try build("type: judge_validity").measure(input)
        values.merge(try build("type: attack_accuracy").measure(input)) { a, _ in a }
        // 3 identities x 5 pasted faces: the fooled judge assigns every one to the target; the
        // control (the attack moved no way toward the person) only what the public faces say.
        #expect(MetricTestKit.trial(values, "transfer_fooled") == 1)
        let control = try #require(MetricTestKit.trial(values, "transfer_control_fooled"))
        #expect(control < 0.5)
        #expect(MetricTestKit.trial(values, "valid_fooled") == 0)
        let blind = try #require(MetricTestKit.trial(values, "transfer_blind"))
        #expect(blind < 0.5, "the blind judge sees only the public face: \(blind)")
        #expect(MetricTestKit.trial(values, "valid_blind") == 1)
        // Clean accuracy is perfect for both: the fooled judge fails on transfer alone.
        #expect(MetricTestKit.trial(values, "judge_accuracy_fooled") == 1)
        #expect(MetricTestKit.trial(values, "judge_accuracy_blind") == 1)
        #expect(MetricTestKit.trial(values, "valid_target") == 0, "the target is never a valid judge")
        #expect(MetricTestKit.trial(values, "transfer_chance") == 1.0 / 3)
    }

    @Test("a reconstruction that really moved to the person does not fail a face-reading judge")
    func genuineMoveIsNotTransfer() throws {
        var input = Self.input(judges: [Self.panel[1]])
        // Each reconstruction is its target's mean training face: pasted on other faces it
        // carries the person, and so does the clean control of the same movement.
        input.attack.reconstructions = MetricTestKit.batch((0..<3).map { t in
            let rows = Self.data.privateTrain.images(ofClass: t).scalars
            return (0..<6).map { k in (rows[k] + rows[6 + k]) / 2 }
        })
        var values = try build("type: judge_validity").measure(input)
        values.merge(try build("type: attack_accuracy").measure(input)) { a, _ in a }
        #expect(MetricTestKit.trial(values, "transfer_blind") == MetricTestKit.trial(values, "transfer_control_blind"))
        #expect(MetricTestKit.trial(values, "valid_blind") == 1)
        expectClose(MetricTestKit.perIdentity(values, "attack_top1"), [1, 1, 1])
    }

    @Test("attack_top1 is the majority of the valid judges; each judge keeps its own column")
    func consensus() throws {
        let values = try build("type: attack_accuracy").measure(Self.input(judges: Self.panel))
        // The fooled judge calls every reconstruction a hit; the blind one sees the start image
        // (all three face pixels equal: argmax 0, so a hit for person 0 only).
        expectClose(MetricTestKit.perIdentity(values, "attack_top1_fooled"), [1, 1, 1])
        expectClose(MetricTestKit.perIdentity(values, "attack_top1_blind"), [1, 0, 0])
        expectClose(MetricTestKit.perIdentity(values, "attack_top1"), [1, 0, 0])
        #expect(MetricTestKit.trial(values, "judges_valid") == 1)
    }

    @Test("with no valid judge the headline is missing, not a number from an invalid judge")
    func noValidJudge() throws {
        let values = try build("type: attack_accuracy").measure(Self.input(judges: [Self.panel[0], Self.panel[2]]))
        let headline = try #require(MetricTestKit.perIdentity(values, "attack_top1"))
        #expect(headline.allSatisfy { $0.isNaN })
        #expect(MetricTestKit.trial(values, "judges_valid") == 0)
    }

    @Test("an even split of the valid judges counts as half a success")
    func tieIsMiss() throws {
        let other = PreparedJudge(name: "target", judge: NetworkJudge(network: Self.judgeNetwork(reads: 0.1)))
        // Valid: blind (hit for person 0 only) and a weakly reading judge; a 1-1 split is a miss.
        let values = try build("type: attack_accuracy").measure(Self.input(judges: [Self.panel[1], other]))
        let weak = try #require(MetricTestKit.perIdentity(values, "attack_top1_target"))
        let blind = try #require(MetricTestKit.perIdentity(values, "attack_top1_blind"))
        #expect(MetricTestKit.trial(values, "judges_valid") == 2, "both judges must count for a tie to arise")
        #expect(weak == [1, 1, 1] && blind == [1, 0, 0], "persons 1 and 2 split 1-1")
        expectClose(MetricTestKit.perIdentity(values, "attack_top1"), [1, 0.5, 0.5])
    }

    @Test("similarity baselines equal the metric of the start image exactly")
    func baselines() throws {
        let moved = Self.input(judges: Self.panel)
        var still = Self.input(judges: Self.panel)
        still.attack.reconstructions = try #require(moved.attack.starts)
        for yaml in ["type: image_similarity\nwindow: 1", "type: knn_distance"] {
            let metric = try build(yaml)
            let a = try metric.measure(moved), b = try metric.measure(still)
            for column in metric.columns.map(\.name) where column.hasSuffix("_start") {
                let base = String(column.dropLast("_start".count))
                let startValues = try #require(MetricTestKit.perIdentity(a, column))
                let baseValues = MetricTestKit.perIdentity(b, base)
                #expect(startValues == baseValues, "\(column) must equal \(base) of the start image")
                expectClose(MetricTestKit.perIdentity(b, base + "_delta"), [0, 0, 0])
            }
        }
    }

    @Test("movement is the projection on start -> mean face; the dose curve scores clean interpolations")
    func dose() throws {
        var input = Self.input(judges: Self.panel)
        let start = try #require(input.attack.starts)
        // Person t's mean training face, 0.3 of the way from the start.
        let means = (0..<3).map { t -> [Float] in
            let rows = Self.data.privateTrain.images(ofClass: t).scalars
            return (0..<6).map { k in (rows[k] + rows[6 + k]) / 2 }
        }
        input.attack.reconstructions = MetricTestKit.batch((0..<3).map { t in
            (0..<6).map { k in start.scalars[k] + 0.3 * (means[t][k] - start.scalars[k]) }
        })
        let values = try build("type: judge_dose\nalphas: [0, 1]").measure(input)
        expectClose(MetricTestKit.perIdentity(values, "movement"), [0.3, 0.3, 0.3], tolerance: 1e-6)
        // At the mean face every judge is right; at the start only person 0 (argmax of equal pixels).
        #expect(MetricTestKit.trial(values, "dose_blind_100") == 1)
        #expect(MetricTestKit.trial(values, "dose_blind_0") == 1.0 / 3)
        expectClose(MetricTestKit.perIdentity(values, "dose_top1_blind"),
                    try #require(MetricTestKit.perIdentity(try build("type: attack_accuracy").measure(input), "attack_top1_blind")))
    }
}
