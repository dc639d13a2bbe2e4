/// The `{from: 0, to: 1, step: 0.05}` form of a sweep axis: an inclusive arithmetic range.
public struct SweepRange: SpecConfig, Sendable, Equatable {
    /// First value.
    public var from: Double = 0
    /// Last value (included when `from + k * step` reaches it, up to rounding).
    public var to: Double = 0
    /// Distance between values; must be positive.
    public var step: Double = 1

    /// Creates a range (defaults: 0 to 0, step 1).
    public init() {}

    /// Creates a range.
    public init(from: Double, to: Double, step: Double) {
        self.from = from
        self.to = to
        self.step = step
    }

    private static func finite(_ value: Double) -> String? {
        value.isFinite ? nil : "expected a finite number, got \(YAMLNumberFormat.text(for: value))"
    }

    public static var fields: [SpecField<SweepRange>] {
        [
            SpecField("from", \.from, doc: "First value of the range.", required: true, check: finite),
            SpecField("to", \.to, doc: "Last value of the range (inclusive).", required: true, check: finite),
            SpecField("step", \.step, doc: "Distance between consecutive values.", required: true,
                      bounds: .greaterThan(0), check: finite),
        ]
    }

    /// `to` must not be below `from`.
    public func validate(at path: SpecPath, node: Node, context: inout DecodingContext) {
        if to < from {
            context.error("the range ends before it starts: 'to' (\(YAMLNumberFormat.naturalText(for: to))) is less than 'from' (\(YAMLNumberFormat.naturalText(for: from)))",
                          at: node["to"] ?? node, path: path.appending("to"))
        }
    }

    /// Number of values, counting `to` when the last step lands on it within rounding error;
    /// nil when the count exceeds `limit` (or the range is not finite).
    public func pointCount(limit: Int) -> Int? {
        let steps = (to - from) / step
        guard steps.isFinite, steps >= 0, steps < Double(limit) else { return nil }
        let count = Int((steps + 1e-9 * max(1, steps)).rounded(.down)) + 1
        return count <= limit ? count : nil
    }

    /// `from + i * step` for each point, rounded to 12 significant digits at the scale of the
    /// range, so that 0.15 prints as `0.15`, not `0.15000000000000002`, and a point that should
    /// be 0 is 0.
    public func values(count: Int) -> [Double] {
        let scale = max(abs(from), abs(to), abs(step))
        return (0..<max(0, count)).map {
            YAMLNumberFormat.rounded(from + Double($0) * step, significantDigits: 12, scale: scale)
        }
    }
}
