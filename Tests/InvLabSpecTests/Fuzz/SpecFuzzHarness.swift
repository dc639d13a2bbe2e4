import Foundation
import InvLabSpec

/// What the `spec` fuzz target does with one input, shared by the libFuzzer binary
/// (scripts/fuzz.sh compiles this file and `SpecFuzzConfig.swift` into it) and the corpus
/// replay tests, so a crashing input is replayed through exactly the same calls.
///
/// An input is a spec file, optionally followed by a NUL byte and `--set` overrides, one per
/// line (a spec cannot contain NUL: the loader rejects it). The spec is loaded with libyaml and
/// our node builder, every diagnostic is rendered with its source excerpt, the tree is written
/// back with `emitYAML` (which must read back to an equal tree), merged onto itself (which
/// must change nothing), decoded as `FuzzSpec` with its plugins' options and every sweep trial,
/// then the overrides are applied and the result checked and decoded again.
///
/// Any `SpecError` is an accepted outcome; a trap crashes the process; a broken guarantee or
/// another error type is a `SpecFuzzViolation`.
enum SpecFuzzHarness {
    /// Whether the spec part was loaded.
    enum Outcome: Equatable { case accepted, rejected }

    /// The name the spec is loaded under.
    static let file = "fuzz.yaml"
    /// Emitted trees larger than this are not read back (the loader's size limit is 16 MiB;
    /// an alias bomb within the node limit can emit more than that).
    static let maximumRoundTripBytes = 1 << 20
    /// At most this many overrides and sweep trials are tried per input.
    static let maximumOverrides = 8
    static let maximumTrials = 16

    /// Runs one input. `extraDecode` decodes the tree as further spec types (the fuzz target
    /// passes the Core's `ExperimentSpec` when it is linked); it may throw `SpecError`.
    /// - Throws: `SpecFuzzViolation`.
    static func run(_ bytes: [UInt8], extraDecode: ((Node) throws -> Void)? = nil) throws -> Outcome {
        let separator = bytes.firstIndex(of: 0) ?? bytes.endIndex
        let specBytes = Array(bytes[..<separator])
        let overrides = bytes[separator...].dropFirst().split(separator: 0x0A, omittingEmptySubsequences: true)
            .prefix(maximumOverrides).map { String(decoding: $0, as: UTF8.self) }
        let cache = SourceCache()
        let loader = YAMLLoader()
        var root: Node = .mapping([])
        var outcome = Outcome.rejected
        do {
            root = try load(specBytes, loader: loader, cache: cache)
            outcome = .accepted
            try check(root, cache: cache, extraDecode: extraDecode)
        } catch let error as SpecError {
            try render(error, cache: cache)
        }
        guard !overrides.isEmpty else { return outcome }
        var applied = 0
        for assignment in overrides {
            do {
                root = try applyOverride(assignment, to: root, cache: cache, loader: loader)
                applied += 1
            } catch let error as SpecError {
                try render(error, cache: cache)
            } catch {
                throw SpecFuzzViolation("applyOverride threw \(type(of: error)): \(error)")
            }
        }
        if applied > 0 { try check(root, cache: cache, extraDecode: extraDecode) }
        return outcome
    }

    /// Loads the spec bytes: valid UTF-8 through `parse`, anything else through a file, the
    /// way `invlab` reads it (the encoding check only sees raw bytes on that path).
    static func load(_ bytes: [UInt8], loader: YAMLLoader, cache: SourceCache) throws -> Node {
        if let text = String(validating: bytes, as: UTF8.self) {
            return try loader.parse(text, file: file, cache: cache)
        }
        // /dev/shm when present: the fuzzer writes many of these files per second.
        let shm = URL(fileURLWithPath: "/dev/shm", isDirectory: true)
        let directory = FileManager.default.isWritableFile(atPath: shm.path) ? shm : FileManager.default.temporaryDirectory
        let url = directory
            .appendingPathComponent("invlab-spec-fuzz-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).yaml")
        do {
            try Data(bytes).write(to: url)
        } catch {
            throw SpecFuzzViolation("cannot write the temporary spec \(url.path): \(error)")
        }
        defer { try? FileManager.default.removeItem(at: url) }
        return try loader.load(file: url.path, cache: cache)
    }

    /// Round trip, self-merge, decoding and sweep expansion of a loaded tree.
    static func check(_ root: Node, cache: SourceCache, extraDecode: ((Node) throws -> Void)?) throws {
        let text = emitYAML(root)
        _ = emitFlowYAML(root)
        _ = JSONValue(root).serialized()
        if text.utf8.count <= maximumRoundTripBytes {
            let again: Node
            do {
                again = try YAMLLoader().parse(text, file: "emitted.yaml", cache: SourceCache())
            } catch {
                throw SpecFuzzViolation("emitYAML wrote text the loader rejects: \(error)\n--- emitted:\n\(text)")
            }
            guard again == root else {
                throw SpecFuzzViolation("emitYAML output reads back to another tree\n--- emitted:\n\(text)"
                    + "--- read back:\n\(emitYAML(again))")
            }
        }
        guard mergeSpec(root, onto: root) == root else { throw SpecFuzzViolation("merging a spec onto itself changed it") }

        var context = DecodingContext()
        if let spec = decode(FuzzSpec.self, from: root, context: &context) {
            for plugin in spec.attack.regularizers + spec.defense + [spec.target, spec.data.source] {
                _ = plugin.decodeOptions(as: FuzzRegularizerOptions.self, context: &context)
            }
            if let sweep = spec.sweep {
                let base = root.removingEntry("sweep")
                for index in 0..<min(sweep.trialCount, maximumTrials) {
                    guard let trial = sweep.trial(at: index) else {
                        throw SpecFuzzViolation("sweep of \(sweep.trialCount) trials has no trial \(index)")
                    }
                    do {
                        _ = decode(FuzzSpec.self, from: try sweep.applying(trial, to: base), context: &context)
                    } catch let error as SpecError {
                        try render(error, cache: cache)
                    }
                }
            }
        }
        try render(SpecError(context.diagnostics), cache: cache, allowEmpty: true)
        do {
            try extraDecode?(root)
        } catch let error as SpecError {
            try render(error, cache: cache)
        }
    }

    /// Renders diagnostics with source excerpts, as the CLI prints them.
    static func render(_ error: SpecError, cache: SourceCache, allowEmpty: Bool = false) throws {
        guard allowEmpty || !error.diagnostics.isEmpty else { throw SpecFuzzViolation("a SpecError without diagnostics") }
        if let empty = error.diagnostics.first(where: { $0.message.isEmpty }) {
            throw SpecFuzzViolation("a diagnostic without a message at \(String(describing: empty.location))")
        }
        _ = error.rendered(with: cache)
        _ = error.description
    }
}

/// The spec pipeline broke a guarantee on a fuzz input (the fuzz target turns this into a crash).
struct SpecFuzzViolation: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
