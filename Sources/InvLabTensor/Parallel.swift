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
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            body(chunkRange(chunk, of: chunks, count: count))
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
