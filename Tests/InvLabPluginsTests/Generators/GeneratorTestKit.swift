import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabSpec
import InvLabTensor
import Testing

/// Progress output captured in memory, to see which stages ran (e.g. whether a model trained
/// or came from the cache).
///
/// @unchecked Sendable: written by the progress reporter, read by the test; `lock` guards `captured`.
final class CapturedProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var captured: [String] = []

    /// Every line written so far.
    var lines: [String] {
        lock.lock(); defer { lock.unlock() }
        return captured
    }

    /// A run environment with a memory-only cache whose progress lines land here.
    func environment(cache: ModelCache = ModelCache(directory: nil)) -> RunEnvironment {
        let reporter = ProgressReporter(style: .lines) { [self] text in
            lock.lock(); defer { lock.unlock() }
            captured.append(contentsOf: text.split(separator: "\n").map(String.init))
        }
        return RunEnvironment(cache: cache, progress: reporter, dataDirectory: URL(fileURLWithPath: "/tmp"))
    }

    /// How many lines start with `prefix` and contain `text`.
    func count(_ prefix: String, containing text: String = "") -> Int {
        lines.filter { $0.hasPrefix(prefix) && (text.isEmpty || $0.contains(text)) }.count
    }
}

/// Builds generator plugins from YAML and makes small synthetic face-like images.
enum GeneratorTestKit {
    /// The generator written as `yaml` (a mapping with `type:`), built with spec seed `seed`.
    static func build(_ yaml: String, seed: UInt64 = 11) throws -> any GeneratorPlugin {
        try PluginYAML.build(yaml, file: "generator.yaml", at: SpecPath.root.appending("attack").appending("generator"), kind: \.generators, seed: seed)
    }

    /// `count` smooth images `count x channels x height x width` in [0.1, 0.9]: a bright blob
    /// on a vertical gradient, its position and size varying with the index (deterministic).
    static func blobs(count: Int, channels: Int = 1, height: Int, width: Int, seed: UInt64 = 3) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        var scalars: [Float] = []
        scalars.reserveCapacity(count * channels * height * width)
        for _ in 0..<count {
            let cy = Float(height) * (0.3 + 0.4 * generator.nextUniform()), cx = Float(width) * (0.3 + 0.4 * generator.nextUniform())
            let radius = Float(min(height, width)) * (0.15 + 0.15 * generator.nextUniform())
            for channel in 0..<channels {
                for y in 0..<height {
                    for x in 0..<width {
                        let d2 = (Float(y) - cy) * (Float(y) - cy) + (Float(x) - cx) * (Float(x) - cx)
                        let blob = Foundation.exp(-d2 / (2 * radius * radius))
                        let background = 0.2 + 0.2 * Float(y) / Float(max(height - 1, 1)) + 0.05 * Float(channel)
                        scalars.append(min(0.9, max(0.1, background + 0.5 * blob)))
                    }
                }
            }
        }
        return Tensor(shape: [count, channels, height, width], scalars: scalars)
    }
}
