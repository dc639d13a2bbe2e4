import Foundation
import InvLabCore
import InvLabSpec
import InvLabTensor

/// How far each reconstruction really moved toward its target, and how each judge scores clean
/// images that moved as far: the dose curve against which a verdict is read.
public struct JudgeDoseMetric: MetricPlugin {
    public struct Configuration: SpecConfig {
        public var alphas = [0.25, 0.5, 1.0]
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("alphas", \.alphas, doc: "Points of the dose curve: shares of the way from the start image to the person's mean face.",
                      check: { $0.isEmpty || !$0.allSatisfy({ $0 >= 0 && $0 <= 1 }) ? "expected a non-empty list of values in [0, 1]" : nil }),
        ] }
    }

    public static let id = "judge_dose"
    public static let summary = "Movement of each reconstruction along start -> person's mean face, and each judge's accuracy on clean images moved as far."
    public static let documentation = """
        Let s be a reconstruction's start image and m the mean private training face of its target. \
        `movement` is the projection of the change x − s on m − s, as a share of ||m − s|| (0: no move toward the \
        person, 1: as far as the mean face). A clean interpolation s + a (m − s) is a face that really moved a \
        of the way. `dose_top1_<judge>` is the judge's top-1 on the clean interpolation at each reconstruction's own \
        movement (clamped to [0, 1]): what the verdict would be if the attack's change were only its movement toward \
        the person; a judge whose `attack_top1_<judge>` is far above it is reading something other than the face. \
        `dose_<judge>_<percent>` is the judge's top-1 on clean interpolations at each of `alphas` (the dose curve). \
        NaN when the attack reported no start images.
        """
    public static let example = """
        type: judge_dose
        alphas: [0.25, 0.5, 1.0]
        """

    public let alphas: [Double]
    public let judgeNames: [String]

    public var usesJudges: Bool { true }

    public init(configuration: Configuration, context: BuildContext) throws {
        alphas = configuration.alphas
        judgeNames = context.judgeNames
    }

    static func percent(_ alpha: Double) -> String { String(Int((alpha * 100).rounded())) }

    public var columns: [MetricColumn] {
        [MetricColumn("movement", "Share of the way from the start image to the target's mean face that the reconstruction moved (projection).",
                      perIdentity: true)]
            + judgeNames.map { MetricColumn("dose_top1_\($0)", "Top-1 of judge '\($0)' on clean images moved as far toward the target as each reconstruction.",
                                            perIdentity: true,
                     presentation: .tableOnly(judge: JudgeColumn(judge: $0, heading: "dose_top1", rank: 6))) }
            + judgeNames.flatMap { name in alphas.map { alpha in
                MetricColumn("dose_\(name)_\(Self.percent(alpha))",
                             "Top-1 of judge '\(name)' on clean images \(Self.percent(alpha)) % of the way from the start to the target's mean face.",
                             perIdentity: false,
                     presentation: .tableOnly(judge: JudgeColumn(judge: name)))
            } }
    }

    public func measure(_ input: MetricInput) throws -> [String: MetricValue] {
        let attack = input.attack
        guard let starts = attack.starts, starts.shape == attack.reconstructions.shape, !attack.targets.isEmpty else {
            // No start images: every column is missing (NaN), not absent.
            return Dictionary(uniqueKeysWithValues: columns.map { column in
                (column.name, column.perIdentity ? MetricValue.perIdentity(Array(repeating: .nan, count: attack.targets.count)) : .trial(.nan))
            })
        }
        let panel = PanelVerdicts.of(input)
        let movement = panel.movement
        let own = PanelVerdicts.interpolations(attack, means: panel.means) { movement[$0] }
        let curve = alphas.map { alpha in PanelVerdicts.interpolations(attack, means: panel.means) { _ in alpha } }
        var values: [String: MetricValue] = ["movement": .perIdentity(movement)]
        for judge in input.judges {
            let hits = zip(judge.judge.scores(own).argmaxRows(), attack.targets).map { $0 == $1 ? 1.0 : 0.0 }
            values["dose_top1_\(judge.name)"] = .perIdentity(zip(hits, movement).map { $1.isNaN ? .nan : $0 })
            for (alpha, images) in zip(alphas, curve) {
                let correct = zip(judge.judge.scores(images).argmaxRows(), attack.targets).filter { $0 == $1 }.count
                values["dose_\(judge.name)_\(Self.percent(alpha))"] = .trial(Double(correct) / Double(attack.targets.count))
            }
        }
        return values
    }
}
