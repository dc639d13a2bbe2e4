import InvLabCore
import InvLabSpec

// The README's "A metric is a one-file change" example, verbatim (scripts/test_extension.sh
// checks that it still matches the README and that its column reaches the tables).
/// Share of reconstructions whose mean brightness is within 0.05 of the target's training faces.
public struct BrightnessMatchMetric: MetricPlugin {
    public struct Configuration: SpecConfig {
        public var tolerance = 0.05
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("tolerance", \.tolerance, doc: "Largest brightness difference that counts as a match.", range: 0...1),
        ] }
    }
    public static let id = "brightness_match"
    public static let summary = "Share of reconstructions as bright as the target's training faces."
    public static let example = "type: brightness_match"
    let tolerance: Double
    public init(configuration: Configuration, context: BuildContext) throws { tolerance = configuration.tolerance }

    public var columns: [MetricColumn] { [
        MetricColumn("brightness_match", "Reconstruction as bright as the target's faces (within the tolerance).", perIdentity: true,
                     presentation: ColumnPresentation(plot: .panels([.attackSuccess]), summary: true, headlineRank: 5)),
    ] }

    public func measure(_ input: MetricInput) throws -> [String: MetricValue] {
        let rows = input.attack.reconstructions
        let size = rows.count / max(input.attack.targets.count, 1)
        let values = input.attack.targets.enumerated().map { row, target -> Double in
            let own = rows.scalars[(row * size)..<((row + 1) * size)].reduce(0, +) / Float(size)
            let faces = input.data.privateTrain.images(ofClass: target)
            let mean = faces.scalars.reduce(0, +) / Float(max(faces.count, 1))
            return abs(Double(own - mean)) <= tolerance ? 1 : 0
        }
        return ["brightness_match": .perIdentity(values)]
    }
}
