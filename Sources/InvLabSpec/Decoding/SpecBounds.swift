/// Numeric (or other `Comparable`) limits on a `SpecField`, with exclusive or inclusive ends.
///
/// Written as ranges (`range: 0...`, `range: 0...1`, `range: 0..<1`) or named constructors
/// (`.greaterThan(0)`). Described in messages in mathematical notation: `>= 0`, `> 0`,
/// `in [0, 1]`, `in [0, 1)`. NaN is never within bounds.
public struct SpecBounds<V: SpecValue & Comparable>: CustomStringConvertible {
    /// The lower end and whether it is allowed itself.
    public let lower: (value: V, inclusive: Bool)?
    /// The upper end and whether it is allowed itself.
    public let upper: (value: V, inclusive: Bool)?

    /// Creates bounds from optional ends.
    public init(lower: (value: V, inclusive: Bool)?, upper: (value: V, inclusive: Bool)?) {
        self.lower = lower
        self.upper = upper
    }

    /// `value >= minimum`.
    public static func atLeast(_ minimum: V) -> SpecBounds { SpecBounds(lower: (minimum, true), upper: nil) }
    /// `value > minimum`.
    public static func greaterThan(_ minimum: V) -> SpecBounds { SpecBounds(lower: (minimum, false), upper: nil) }
    /// `value <= maximum`.
    public static func atMost(_ maximum: V) -> SpecBounds { SpecBounds(lower: nil, upper: (maximum, true)) }
    /// `value < maximum`.
    public static func lessThan(_ maximum: V) -> SpecBounds { SpecBounds(lower: nil, upper: (maximum, false)) }
    /// `range.lowerBound <= value <= range.upperBound`.
    public static func within(_ range: ClosedRange<V>) -> SpecBounds {
        SpecBounds(lower: (range.lowerBound, true), upper: (range.upperBound, true))
    }

    /// True when `value` lies within the bounds (false for NaN, whose comparisons all fail).
    public func contains(_ value: V) -> Bool {
        if let lower, !(lower.inclusive ? lower.value <= value : lower.value < value) { return false }
        if let upper, !(upper.inclusive ? value <= upper.value : value < upper.value) { return false }
        return true
    }

    /// `>= 0`, `> 0`, `<= 1`, `< 1`, `in [0, 1]`, `in (0, 1]`.
    public var description: String {
        switch (lower, upper) {
        case let (lower?, upper?):
            return "in \(lower.inclusive ? "[" : "(")\(Self.text(lower.value)), \(Self.text(upper.value))\(upper.inclusive ? "]" : ")")"
        case let (lower?, nil):
            return "\(lower.inclusive ? ">=" : ">") \(Self.text(lower.value))"
        case let (nil, upper?):
            return "\(upper.inclusive ? "<=" : "<") \(Self.text(upper.value))"
        case (nil, nil):
            return "(any value)"
        }
    }

    /// JSON Schema keywords: `minimum`/`exclusiveMinimum`, `maximum`/`exclusiveMaximum`.
    var schemaMembers: [(key: String, value: JSONValue)] {
        var members: [(key: String, value: JSONValue)] = []
        if let lower { members.append((lower.inclusive ? "minimum" : "exclusiveMinimum", JSONValue(lower.value.specNode))) }
        if let upper { members.append((upper.inclusive ? "maximum" : "exclusiveMaximum", JSONValue(upper.value.specNode))) }
        return members
    }

    /// Numbers without a spurious `.0` (`0`, `0.5`); other values as flow YAML.
    private static func text(_ value: V) -> String {
        let node = value.specNode
        if let number = node.scalarValue?.number { return YAMLNumberFormat.naturalText(for: number) }
        return emitFlowYAML(node)
    }
}

extension SpecField {
    /// A key whose value must lie in `range` (`0...1`).
    public init<V: SpecValue & Comparable>(_ name: String, _ keyPath: WritableKeyPath<Root, V>, doc: String,
                                           required: Bool = false, range: ClosedRange<V>,
                                           check: ((V) -> String?)? = nil) {
        self.init(name, keyPath, doc: doc, required: required, bounds: .within(range), check: check)
    }

    /// A key whose value must lie in `range` (`0..<1`).
    public init<V: SpecValue & Comparable>(_ name: String, _ keyPath: WritableKeyPath<Root, V>, doc: String,
                                           required: Bool = false, range: Range<V>,
                                           check: ((V) -> String?)? = nil) {
        self.init(name, keyPath, doc: doc, required: required,
                  bounds: SpecBounds(lower: (range.lowerBound, true), upper: (range.upperBound, false)), check: check)
    }

    /// A key whose value must be at least `range.lowerBound` (`0...`).
    public init<V: SpecValue & Comparable>(_ name: String, _ keyPath: WritableKeyPath<Root, V>, doc: String,
                                           required: Bool = false, range: PartialRangeFrom<V>,
                                           check: ((V) -> String?)? = nil) {
        self.init(name, keyPath, doc: doc, required: required, bounds: .atLeast(range.lowerBound), check: check)
    }

    /// A key whose value must be at most `range.upperBound` (`...1`).
    public init<V: SpecValue & Comparable>(_ name: String, _ keyPath: WritableKeyPath<Root, V>, doc: String,
                                           required: Bool = false, range: PartialRangeThrough<V>,
                                           check: ((V) -> String?)? = nil) {
        self.init(name, keyPath, doc: doc, required: required, bounds: .atMost(range.upperBound), check: check)
    }

    /// A key whose value must be below `range.upperBound` (`..<1`).
    public init<V: SpecValue & Comparable>(_ name: String, _ keyPath: WritableKeyPath<Root, V>, doc: String,
                                           required: Bool = false, range: PartialRangeUpTo<V>,
                                           check: ((V) -> String?)? = nil) {
        self.init(name, keyPath, doc: doc, required: required, bounds: .lessThan(range.upperBound), check: check)
    }
}
