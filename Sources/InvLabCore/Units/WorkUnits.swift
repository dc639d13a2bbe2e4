import Foundation

/// A problem with work units, shards or a merge (bad `--shard`, a run directory of another
/// spec, missing units): one line for the user, exit code 64.
public struct UnitError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One piece of a run's work with a stable id: a whole trial (`t0003`), or a chunk of a trial's
/// attacked identities (`t0003-c0002`: positions `first ..< first + count` of the trial's
/// identity list). Units of a trial split into chunks only run the attack; its metrics are
/// computed at the merge, from all identities at once.
public struct WorkUnit: Codable, Sendable, Equatable {
    public var id: String
    public var trial: Int
    /// Chunk number within the trial, nil for a whole-trial unit.
    public var chunk: Int?
    /// First attacked identity (position in the trial's identity list) and how many.
    public var first: Int
    public var count: Int
    /// Estimated cost: attacked identities x restarts x iterations (model evaluations with
    /// gradient), the measure `invlab plan` balances shards by.
    public var cost: Int

    public var positions: Range<Int> { first..<(first + count) }
}

/// The work units of a run and how they are shared among shards; stored as `units.json` in the
/// run directory by the first shard, so that every shard and the merge agree.
public struct UnitLayout: Codable, Sendable, Equatable {
    public var specHash: String
    /// Attacked identities per chunk unit; nil: one unit per trial.
    public var chunk: Int?
    public var shards: Int
    public var units: [WorkUnit]
    /// The spec file, absolute, and the `--set` overrides: how `invlab merge` loads the spec.
    public var specFile: String
    public var overrides: [String]

    public init(specHash: String, chunk: Int?, shards: Int, units: [WorkUnit], specFile: String, overrides: [String]) {
        self.specHash = specHash
        self.chunk = chunk
        self.shards = shards
        self.units = units
        self.specFile = specFile
        self.overrides = overrides
    }

    enum CodingKeys: String, CodingKey {
        case specHash = "spec_hash", chunk, shards, units, specFile = "spec_file", overrides
    }

    /// Units in plan order: trials in order, each trial's chunks in order. A trial whose
    /// identities fit in one chunk (or any trial without `chunk`) is one whole-trial unit.
    public static func units(trials: [Int], identities: [Int: Int], chunk: Int?, costPerIdentity: [Int: Int]) -> [WorkUnit] {
        var units: [WorkUnit] = []
        for trial in trials {
            let count = identities[trial] ?? 0
            let perIdentity = costPerIdentity[trial] ?? 1
            let base = String(format: "t%04d", trial)
            guard let chunk, count > chunk else {
                units.append(WorkUnit(id: base, trial: trial, chunk: nil, first: 0, count: count, cost: count * perIdentity))
                continue
            }
            for (number, first) in stride(from: 0, to: count, by: chunk).enumerated() {
                let size = min(chunk, count - first)
                units.append(WorkUnit(id: base + String(format: "-c%04d", number), trial: trial, chunk: number, first: first, count: size,
                                      cost: size * perIdentity))
            }
        }
        return units
    }

    /// The shard (1-based) a unit belongs to: units are dealt round-robin in plan order.
    public func shard(of unit: WorkUnit) -> Int {
        (units.firstIndex(of: unit) ?? 0) % shards + 1
    }

    public func units(ofShard shard: Int) -> [WorkUnit] {
        units.enumerated().filter { $0.offset % shards + 1 == shard }.map(\.element)
    }

    /// Whether a trial was split into identity chunks (its metrics then come at the merge).
    public func isChunked(trial: Int) -> Bool {
        units.contains { $0.trial == trial && $0.chunk != nil }
    }
}

/// `--shard K/N`: this process runs shard K (1-based) of N.
public struct ShardSelection: Sendable, Equatable {
    public var index: Int
    public var count: Int

    /// Parses `K/N`; the message says what was wrong.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw UnitError("--shard expects K/N (shard K of N, e.g. 2/4), got '\(text)'")
        }
        guard count >= 1 else { throw UnitError("--shard \(text): the number of shards must be at least 1") }
        guard (1...count).contains(index) else {
            throw UnitError("--shard \(text): shard numbers run from 1 to \(count)")
        }
        self.index = index
        self.count = count
    }
}
