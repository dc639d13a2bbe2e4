import Foundation
import InvLabNN

/// A spec that would need more memory than the machine has.
public struct ResourceError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Estimates the memory a stage needs before it starts, and refuses stages that cannot fit, with
/// a message that says what is large and what to change.
///
/// The estimate counts the data, every model's weights with gradient and optimizer state (four
/// copies), and the activations of one batch through the network (forward values, their gradients
/// and temporaries: three copies of every layer output). It is deliberately simple and errs on the
/// generous side; a stage that passes may still use more (BLAS buffers, priors).
public enum ResourceGuard {
    /// Bytes the process may use: `INVLAB_MEMORY_LIMIT_MB` if set, else `MemAvailable` of
    /// /proc/meminfo, else physical memory.
    public static var availableBytes: Int {
        if let text = ProcessInfo.processInfo.environment["INVLAB_MEMORY_LIMIT_MB"], let megabytes = Int(text), megabytes > 0 {
            return megabytes << 20
        }
        if let meminfo = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) {
            for line in meminfo.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
                let fields = line.split(separator: " ")
                if fields.count >= 2, let kilobytes = Int(fields[1]) { return kilobytes << 10 }
            }
        }
        return Int(clamping: ProcessInfo.processInfo.physicalMemory)
    }

    /// Bytes of a network's activations for one batch (three copies of every layer output).
    public static func activationBytes(_ architecture: Sequential, inputShape: [Int], batch: Int) -> Int {
        var shape = [batch] + inputShape
        var elements = shape.reduce(1, *)
        for layer in architecture.layers {
            shape = layer.outputShape(for: shape)
            let size = shape.reduce(1, *)
            elements += layer is ResidualBlock ? 4 * size : size
        }
        return 3 * 4 * elements
    }

    /// Bytes of a network's parameters with gradients and optimizer state.
    public static func parameterBytes(_ network: Network) -> Int { 4 * network.state.byteCount }

    /// The check before training `network` (of `architecture`) on `imageBytes` of images in
    /// batches of `batchSize`: every recognizer, the dummy defense's f' included, goes through it.
    public static func checkTraining(_ stage: String, imageBytes: Int, network: Network, architecture: Sequential,
                                     inputShape: [Int], batchSize: Int) throws {
        try check(stage, parts: [
            ("training images", imageBytes),
            ("weights, gradients and optimizer state", parameterBytes(network)),
            ("activations of a batch of \(batchSize)", activationBytes(architecture, inputShape: inputShape, batch: batchSize)),
        ])
    }

    /// Throws `ResourceError` when the listed parts add up to more than is available.
    public static func check(_ stage: String, parts: [(String, Int)], available: Int = availableBytes) throws {
        let total = parts.reduce(0) { $0 + $1.1 }
        guard total > available else { return }
        let largest = parts.sorted { $0.1 > $1.1 }.prefix(3).map { "\($0.0) \(megabytes($0.1))" }.joined(separator: ", ")
        throw ResourceError("\(stage) needs about \(megabytes(total)) of memory but only \(megabytes(available)) is available "
            + "(largest parts: \(largest)); reduce the batch size, the image size (data.image), the number of attacked identities or restarts")
    }

    static func megabytes(_ bytes: Int) -> String {
        bytes >= 1 << 30 ? String(format: "%.1f GiB", Double(bytes) / Double(1 << 30)) : String(format: "%.0f MiB", Double(bytes) / Double(1 << 20))
    }
}
