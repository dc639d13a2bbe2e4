import Foundation

/// Work splitting across the machine's cores.
///
/// OpenBLAS runs single-threaded inside InversionLab (see `BLAS`); the engine parallelises
/// itself instead, over the batch for convolutions and over output columns for large matrix
/// products. Partitions depend only on the problem size and `Parallel.threads`, so results are
/// bitwise reproducible for a given thread count.
public enum Parallel {
    /// Number of worker threads the engine uses. Defaults to `INVLAB_THREADS` or the number of
    /// active processors. Set it once at start-up, before any computation.
    ///
    /// `nonisolated(unsafe)`: it is written only at start-up, before any worker thread exists
    /// (`InvlabMain.run` sets it from `SLURM_CPUS_PER_TASK` under Slurm; a program that embeds the
    /// engine may do the same), so reads never race a write.
    nonisolated(unsafe) public static var threads: Int = {
        if let text = ProcessInfo.processInfo.environment["INVLAB_THREADS"], let value = Int(text), value > 0 {
            return value
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Splits `0..<count` into at most `threads` contiguous chunks of at least `minimumChunk`
    /// items and runs `body(range)` for each, in parallel when there is more than one chunk.
    @inlinable
    public static func forEachChunk(of count: Int, minimumChunk: Int = 1,
                                    _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = max(1, min(threads, count / max(1, minimumChunk)))
        if chunks == 1 {
            body(0..<count)
            return
        }
        perform(iterations: chunks) { chunk in
            body(chunkRange(chunk, of: chunks, count: count))
        }
    }

    /// `DispatchQueue.concurrentPerform` for a non-`@Sendable` body: runs `body(i)` for every
    /// `i` in `0..<iterations`, concurrently, and returns when all calls have finished.
    ///
    /// The engine's kernels capture raw buffer pointers and non-`@Sendable` element operations,
    /// which Swift 6 will not let into a `@Sendable` closure. Callers must keep the contract the
    /// kernels were written to: each call writes only memory that belongs to its own iteration
    /// (its chunk of the output, its own scratch or accumulator buffer), and memory shared
    /// between calls is only read, and not written by anyone, during the call.
    @inlinable
    public static func perform(iterations: Int, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendableBody(body)
            DispatchQueue.concurrentPerform(iterations: iterations) { box.body($0) }
        }
    }

    /// The `chunk`-th of `chunks` near-equal contiguous ranges covering `0..<count`.
    @inlinable
    public static func chunkRange(_ chunk: Int, of chunks: Int, count: Int) -> Range<Int> {
        let base = count / chunks, extra = count % chunks
        let start = chunk * base + min(chunk, extra)
        return start..<(start + base + (chunk < extra ? 1 : 0))
    }
}

/// @unchecked Sendable: carries the body of `Parallel.perform` into `concurrentPerform`'s
/// `@Sendable` closure; no lock, because the calls write disjoint memory (one iteration's chunk,
/// scratch or accumulator each) and only read what is shared, per `Parallel.perform`'s contract.
/// The closure does not outlive `perform`, which returns only after every call has finished.
@usableFromInline
struct UncheckedSendableBody: @unchecked Sendable {
    @usableFromInline let body: (Int) -> Void
    @inlinable init(_ body: @escaping (Int) -> Void) { self.body = body }
}
