import Foundation
import InvLabTensor

/// Failures that layers meet during forward passes, kept until the caller asks for them.
///
/// `Layer.forward` does not throw: nearly every layer is total once built, and a throwing
/// forward would make every attack, metric, trainer and generator (some 20 call sites, and
/// every plugin's) throw for the sake of a few layers. A layer that can still fail at run time
/// (an imported ONNX graph whose shapes fail at some batch sizes only) records the error here
/// and returns a placeholder of its declared output shape, so that the pass ends normally; the
/// Core then calls `Network.throwRecordedFailure()` on the trial's networks and its published
/// model (`PublishedModel.throwRecordedFailure()`, which defenses forward to the networks they
/// hold) after each stage that ran them (setup with training, the attack, the metrics) and fails
/// the trial with the recorded message, so that the user gets the error and a non-zero exit
/// instead of a crash. Placeholders never reach a result: the trial that produced them is
/// recorded as failed.
public final class LayerFailures: @unchecked Sendable {
    private let lock = NSLock()
    private var first: (any Error)?

    public init() {}

    /// Keeps `error` unless an earlier failure is still pending (the first one explains the rest).
    public func record(_ error: any Error) {
        lock.lock()
        defer { lock.unlock() }
        if first == nil { first = error }
    }

    /// The pending failure, cleared, so that a later pass (e.g. the next trial) starts clean.
    public func take() -> (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        let error = first
        first = nil
        return error
    }
}

/// A layer whose forward pass can fail after the network was built (see `LayerFailures`).
public protocol FallibleLayer: Layer {
    /// Where the layer's forward passes record their failures (shared by copies of the layer).
    var failures: LayerFailures { get }
}

extension Network {
    /// Throws (and clears) the first failure that a `FallibleLayer` of this network recorded
    /// during forward passes since the last call; does nothing when there is none.
    public func throwRecordedFailure() throws {
        var pending: [any Layer] = [root]
        while let layer = pending.popLast() {
            if let fallible = layer as? any FallibleLayer, let error = fallible.failures.take() { throw error }
            if let sequential = layer as? Sequential { pending.append(contentsOf: sequential.layers) }
        }
    }
}
