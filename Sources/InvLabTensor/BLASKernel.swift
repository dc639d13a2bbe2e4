import Foundation

/// Detects an OpenBLAS kernel that is far slower than the CPU allows, and names a better one.
///
/// Debian's OpenBLAS 0.3.21 is built with DYNAMIC_ARCH and picks its kernel at load time. On some
/// virtual CPUs it falls back to the generic `Prescott` kernel (about 32 GFLOP/s sgemm measured on
/// the project's machines, against about 150 with `OPENBLAS_CORETYPE=SkylakeX`). The choice can only
/// be changed before the library loads, so the `invlab` executable re-executes itself with
/// `OPENBLAS_CORETYPE` set (see `BLASKernel.reexecutionEnvironment()`); library users get the
/// warning text from `BLASKernel.status`.
public enum BLASKernel {
    /// Kernels that use at most SSE3 and are much slower than AVX2/AVX-512 ones.
    static let genericKernels: Set<String> = [
        "Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Katmai", "Coppermine",
        "Northwood", "Banias", "Atom", "Opteron", "Opteron_SSE3", "Barcelona", "Bobcat",
        "Generic", "unknown",
    ]

    /// CPU feature flags from `/proc/cpuinfo` (empty where unavailable).
    public static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return [] }
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }

    /// The best OpenBLAS kernel this CPU supports, by its feature flags (nil if unknown).
    public static func recommendedCoreType(flags: Set<String> = cpuFlags()) -> String? {
        if flags.isSuperset(of: ["avx512f", "avx512bw", "avx512vl", "avx512dq"]) { return "SkylakeX" }
        if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        if flags.contains("avx") { return "Sandybridge" }
        return nil
    }

    /// True when the loaded kernel is a generic one although the CPU supports a faster kernel.
    public static func isSlow(kernel: String = BLAS.kernelName,
                              flags: Set<String> = cpuFlags()) -> Bool {
        guard let better = recommendedCoreType(flags: flags), better != kernel else { return false }
        return genericKernels.contains(kernel)
    }

    /// A one-line description of the kernel in use, with a warning when it is the slow one.
    public static var status: String {
        let kernel = BLAS.kernelName
        if isSlow(kernel: kernel), let better = recommendedCoreType() {
            return "OpenBLAS kernel \(kernel) is slow on this CPU; set OPENBLAS_CORETYPE=\(better) "
                + "before starting the process (the invlab executable does this itself)"
        }
        return "OpenBLAS kernel \(kernel)"
    }

    /// If the kernel is slow and `OPENBLAS_CORETYPE` is unset, the environment variable to set
    /// before re-executing the process; nil when nothing needs doing.
    public static func reexecutionEnvironment() -> (name: String, value: String)? {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OPENBLAS_CORETYPE"] == nil, environment["INVLAB_NO_REEXEC"] == nil,
              isSlow(), let better = recommendedCoreType() else { return nil }
        return ("OPENBLAS_CORETYPE", better)
    }
}
