import Foundation
import InvLabSpec

/// The `seeds:` key of a spec: every trial (sweep point) runs once per seed, with the spec's
/// `seed` replaced by it, and the result tables pool each point's rows over the seeds
/// (`results_pooled.csv`). A non-empty list of distinct seeds in the range of `seed`.
public struct SeedList: SpecValue, Equatable, Sendable {
    public var seeds: [Int]

    public init(_ seeds: [Int]) { self.seeds = seeds }

    /// The range of a seed (that of the spec's `seed`).
    public static let range = 0...Int(Int32.max)

    public static func decode(_ node: Node, at path: SpecPath, context: inout DecodingContext) -> SeedList? {
        guard let items = node.items else {
            var notes = ["list the seeds to repeat every trial with, e.g. `seeds: [0, 1, 2]`"]
            if case .int(let seed)? = node.scalarValue { notes = ["write `seeds: [\(seed)]` for one seed, or `seed: \(seed)` to run every trial once"] }
            context.typeMismatch(expected: typeDescription, got: node, path: path, notes: notes)
            return nil
        }
        guard !items.isEmpty else {
            context.error("`seeds` needs at least one seed, got an empty list", at: node, path: path,
                          notes: ["remove `seeds:` to run every trial once with the spec's `seed`"])
            return nil
        }
        var seeds: [Int] = [], first: [Int: SourceLocation] = [:], failed = false
        for (index, item) in items.enumerated() {
            let itemPath = path.appending(index: index)
            guard let seed = Int.decode(item, at: itemPath, context: &context) else { failed = true; continue }
            guard range.contains(seed) else {
                context.error("expected an integer in [0, \(range.upperBound)], got \(item.scalarText ?? String(seed))", at: item, path: itemPath)
                failed = true
                continue
            }
            if let earlier = first[seed] {
                context.error("seed \(seed) is listed twice", at: item, path: itemPath,
                              notes: ["first listed at \(earlier); each seed runs every trial once"])
                failed = true
                continue
            }
            first[seed] = item.location
            seeds.append(seed)
        }
        return failed ? nil : SeedList(seeds)
    }

    public static var typeDescription: String { "a list of seeds (integers in [0, \(range.upperBound)])" }
    public static var jsonSchema: JSONValue {
        ["type": "array", "items": ["type": "integer", "minimum": 0, "maximum": .integer(range.upperBound)], "minItems": 1, "uniqueItems": true]
    }
    public var specNode: Node { .sequence(seeds.map { .value(.int($0)) }) }

    /// The key the seeds are written to in each trial, and the column that names a row's seed.
    public static let key = "seed"
}

extension ExperimentSpec {
    /// The sweep the trials enumerate: the spec's sweep followed, when `seeds:` is given, by
    /// an axis over `seed` (the fastest: a sweep point's seeds are consecutive trials). Nil
    /// when the spec has neither.
    public var trialSweep: Sweep? {
        guard let seeds else { return sweep }
        let axis = Sweep.Axis(path: SpecPath.root.appending(SeedList.key), values: seeds.seeds.map { .value(.int($0)) })
        return Sweep(axes: (sweep?.axes ?? []) + [axis])
    }
}
