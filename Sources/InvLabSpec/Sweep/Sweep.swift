/// The `sweep:` section of a spec: the experiment is run once per point of the cartesian
/// product of its axes.
///
/// ```yaml
/// sweep:
///   defense.lambda: {from: 0, to: 1, step: 0.05}
///   attack.regularizers[0].weight: [0.01, 0.1]
/// ```
/// Each key is a key path into the spec; each value is a list of values (any YAML) or a range.
/// Trials enumerate the product in declared key order, first key slowest.
public struct Sweep: Sendable, Equatable {
    /// One swept key and the values it takes.
    public struct Axis: Sendable, Equatable {
        /// The key path the values are written to.
        public let path: SpecPath
        /// Where the key is written in the spec.
        public let keyLocation: SourceLocation
        /// The values, in order.
        public let values: [Node]

        /// Creates an axis.
        public init(path: SpecPath, keyLocation: SourceLocation = .generated, values: [Node]) {
            self.path = path
            self.keyLocation = keyLocation
            self.values = values
        }
    }

    /// One value written to one key path.
    public struct Assignment: Sendable, Equatable {
        /// Where the value goes.
        public let path: SpecPath
        /// The value.
        public let value: Node

        /// Creates an assignment.
        public init(path: SpecPath, value: Node) {
            self.path = path
            self.value = value
        }
    }

    /// One point of the product.
    public struct Trial: Sendable, Equatable {
        /// 0-based position in `trials`.
        public let index: Int
        /// One assignment per axis, in axis order.
        public let assignments: [Assignment]

        /// Creates a trial.
        public init(index: Int, assignments: [Assignment]) {
            self.index = index
            self.assignments = assignments
        }
    }

    /// Most values one axis may have.
    public static let maximumValuesPerAxis = 10_000
    /// Most trials a sweep may have.
    public static let maximumTrials = 100_000

    /// The axes in declared order.
    public let axes: [Axis]

    /// Creates a sweep from axes (callers are responsible for the limits).
    public init(axes: [Axis]) {
        self.axes = axes
    }

    /// Product of the axis sizes (1 for a sweep without axes: the single unswept run).
    public var trialCount: Int {
        axes.reduce(1) { product, axis in
            let (result, overflow) = product.multipliedReportingOverflow(by: axis.values.count)
            return overflow ? Int.max : result
        }
    }

    /// The trial at `index` (first axis slowest), or nil when out of range.
    public func trial(at index: Int) -> Trial? {
        guard index >= 0, index < trialCount, axes.allSatisfy({ !$0.values.isEmpty }) else { return nil }
        var remainder = index
        var assignments: [Assignment] = []
        for axis in axes.reversed() {
            let count = axis.values.count
            assignments.append(Assignment(path: axis.path, value: axis.values[remainder % count]))
            remainder /= count
        }
        return Trial(index: index, assignments: assignments.reversed())
    }

    /// Every trial, in order.
    public var trials: [Trial] {
        (0..<trialCount).compactMap(trial(at:))
    }

    /// `root` with the trial's assignments written in (see `setting(_:to:in:at:)`).
    /// - Throws: `SpecError` if a key path cannot be followed in `root`; located at the sweep key.
    public func applying(_ trial: Trial, to root: Node) throws -> Node {
        var result = root
        for (position, assignment) in trial.assignments.enumerated() {
            let axis = axes.indices.contains(position) ? axes[position] : nil
            let location = axis?.path == assignment.path ? axis?.keyLocation : nil
            result = try setting(assignment.path, to: assignment.value, in: result, at: location)
        }
        return result
    }
}
