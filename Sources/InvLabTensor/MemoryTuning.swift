#if os(Linux)
import InvLabCLibc
#endif

/// Keeps freed tensor memory in the process instead of returning it to the kernel.
///
/// An attack or training step allocates and frees the same large buffers every step. With
/// glibc's defaults, buffers above the mmap threshold are mapped and unmapped each time and
/// every page is faulted in and zeroed again by the kernel (profiled at about 8 % of a W2 step).
/// Raising the mmap and trim thresholds makes the heap reuse them.
public enum MemoryTuning {
    private static let applied: Bool = {
        #if os(Linux)
        _ = mallopt(M_MMAP_THRESHOLD, 512 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 1 << 30)
        #endif
        return true
    }()

    /// Applies the settings once per process (called before the first matrix product).
    public static func apply() { _ = applied }
}
