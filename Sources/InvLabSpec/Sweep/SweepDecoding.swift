/// Reading `sweep:` from a spec, with a diagnostic for every bad key path, empty list, bad
/// range or excessive size.
extension Sweep: SpecValue {
    public static func decode(_ node: Node, at path: SpecPath, context: inout DecodingContext) -> Sweep? {
        if node.isNull { return Sweep(axes: []) }
        guard let entries = node.entries else {
            context.typeMismatch(expected: typeDescription, got: node, path: path)
            return nil
        }
        let errorsBefore = context.errorCount
        var axes: [Axis] = []
        var firstLocations: [SpecPath: SourceLocation] = [:]
        for entry in entries {
            let entryPath = path.appending(entry.key)
            let target: SpecPath
            do {
                target = try SpecPath(parsing: entry.key)
            } catch let error as SpecPathSyntaxError {
                context.report(.error("invalid key path '\(entry.key)' in sweep: \(error.message)",
                                      at: entry.keyLocation, path: entryPath))
                continue
            } catch {
                continue
            }
            if let earlier = firstLocations[target] {
                context.report(.error("sweep key '\(entry.key)' addresses the same value as an earlier key",
                                      at: entry.keyLocation, path: entryPath,
                                      notes: ["first swept at \(earlier)"]))
                continue
            }
            firstLocations[target] = entry.keyLocation
            if let values = axisValues(entry.value, at: entryPath, context: &context) {
                axes.append(Axis(path: target, keyLocation: entry.keyLocation, values: values))
            }
        }
        guard context.errorCount == errorsBefore else { return nil }
        let sweep = Sweep(axes: axes)
        guard sweep.trialCount <= maximumTrials else {
            let sizes = axes.map { "\($0.path): \($0.values.count)" }.joined(separator: ", ")
            let count = sweep.trialCount == Int.max ? "more than \(Int.max)" : "\(sweep.trialCount)"
            context.error("sweep has \(count) trials; at most \(maximumTrials) are allowed", at: node, path: path,
                          notes: ["values per key: \(sizes)"])
            return nil
        }
        return sweep
    }

    /// The values of one axis: a non-empty list, or a range mapping.
    private static func axisValues(_ node: Node, at path: SpecPath, context: inout DecodingContext) -> [Node]? {
        if let items = node.items {
            if items.isEmpty {
                context.error("a swept key needs at least one value, got an empty list", at: node, path: path)
                return nil
            }
            if items.count > maximumValuesPerAxis {
                context.error("a swept key may take at most \(maximumValuesPerAxis) values, got \(items.count)",
                              at: node, path: path)
                return nil
            }
            return items
        }
        guard node.entries != nil else {
            context.typeMismatch(expected: "a list of values or a range {from, to, step}", got: node, path: path)
            return nil
        }
        guard let range = SweepRange.decode(node, at: path, context: &context) else { return nil }
        guard let count = range.pointCount(limit: maximumValuesPerAxis) else {
            context.error("the range from \(YAMLNumberFormat.naturalText(for: range.from)) to \(YAMLNumberFormat.naturalText(for: range.to)) with step \(YAMLNumberFormat.naturalText(for: range.step)) has more than \(maximumValuesPerAxis) values",
                          at: node, path: path)
            return nil
        }
        return range.values(count: count).map { .scalar(YAMLNumberFormat.naturalText(for: $0), at: node.location) }
    }

    public static var typeDescription: String { "a mapping from key paths to lists of values or ranges" }

    public static var jsonSchema: JSONValue {
        [
            "type": "object",
            "description": "Key paths (e.g. defense.lambda) to the values they take: a list, or {from, to, step}.",
            "additionalProperties": ["anyOf": [["type": "array", "minItems": 1], SweepRange.jsonSchema]],
        ]
    }

    /// Each axis as `path: [values]`.
    public var specNode: Node {
        .mapping(axes.map { MappingEntry(key: $0.path.description, keyLocation: $0.keyLocation,
                                         value: .sequence($0.values)) })
    }
}
