import Foundation

/// What preparing the ORL faces did to each of the 400 files, kept next to the prepared data
/// (`<cache>/orl/repair-report.json`) so a run can record it.
///
/// File names are relative to `ORL_faces/`, e.g. `s8/10.pgm`.
public struct ORLRepairReport: Codable, Equatable, Sendable {
    /// Files that were valid P5 images already.
    public var clean: [String]
    /// Files fixed exactly by dropping CR bytes.
    public var repaired: [String]
    /// Files one byte short after dropping CRs, fixed by keeping the CR that gives the smoothest image.
    public var repairedBySmoothness: [String]
    /// Files that could not be repaired (with the reason), left out of the data set.
    public var skipped: [String: String]

    public init(clean: [String] = [], repaired: [String] = [], repairedBySmoothness: [String] = [],
                skipped: [String: String] = [:]) {
        self.clean = clean
        self.repaired = repaired
        self.repairedBySmoothness = repairedBySmoothness
        self.skipped = skipped
    }

    /// All files that went through repair (`repaired` plus `repairedBySmoothness`).
    public var repairedCount: Int { repaired.count + repairedBySmoothness.count }

    /// Files in the data set (clean plus repaired).
    public var usableCount: Int { clean.count + repairedCount }

    /// One line for logs, e.g. `ORL: 248 clean, 150 repaired, 2 repaired by smoothness (s8/10.pgm, s9/8.pgm), 0 skipped`.
    public var summary: String {
        var text = "ORL: \(clean.count) clean, \(repaired.count) repaired, \(repairedBySmoothness.count) repaired by smoothness"
        if !repairedBySmoothness.isEmpty { text += " (\(repairedBySmoothness.joined(separator: ", ")))" }
        text += ", \(skipped.count) skipped"
        if !skipped.isEmpty { text += " (\(skipped.keys.sorted().joined(separator: ", ")))" }
        return text
    }

    /// Stable, pretty JSON (sorted keys) for the cache and for run records.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
