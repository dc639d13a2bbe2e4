/// The exact version of the Swift compiler that built this binary, for run.json's
/// `environment.swift`. Swift has no build-time constant for it, so the version is chosen by a
/// ladder of `#if compiler(>=...)` conditions down to the patch release (6.3.1 is told apart
/// from 6.3.0); running `swift --version` at run time would describe whatever toolchain is on
/// the PATH then, not the one that compiled the code. Extend the ladder when a release comes.
enum SwiftCompilerVersion {
    /// E.g. "6.3.1"; an open-ended text above the newest release the ladder knows.
    static var text: String {
        #if compiler(>=6.4)
        return "6.4 or later"
        #elseif compiler(>=6.3.6)
        return "6.3.6 or a later 6.3 patch"
        #elseif compiler(>=6.3.5)
        return "6.3.5"
        #elseif compiler(>=6.3.4)
        return "6.3.4"
        #elseif compiler(>=6.3.3)
        return "6.3.3"
        #elseif compiler(>=6.3.2)
        return "6.3.2"
        #elseif compiler(>=6.3.1)
        return "6.3.1"
        #elseif compiler(>=6.3)
        return "6.3.0"
        #elseif compiler(>=6.2.6)
        return "6.2.6 or a later 6.2 patch"
        #elseif compiler(>=6.2.5)
        return "6.2.5"
        #elseif compiler(>=6.2.4)
        return "6.2.4"
        #elseif compiler(>=6.2.3)
        return "6.2.3"
        #elseif compiler(>=6.2.2)
        return "6.2.2"
        #elseif compiler(>=6.2.1)
        return "6.2.1"
        #elseif compiler(>=6.2)
        return "6.2.0"
        #elseif compiler(>=6.1.4)
        return "6.1.4 or a later 6.1 patch"
        #elseif compiler(>=6.1.3)
        return "6.1.3"
        #elseif compiler(>=6.1.2)
        return "6.1.2"
        #elseif compiler(>=6.1.1)
        return "6.1.1"
        #elseif compiler(>=6.1)
        return "6.1.0"
        #elseif compiler(>=6.0.4)
        return "6.0.4 or a later 6.0 patch"
        #elseif compiler(>=6.0.3)
        return "6.0.3"
        #elseif compiler(>=6.0.2)
        return "6.0.2"
        #elseif compiler(>=6.0.1)
        return "6.0.1"
        #elseif compiler(>=6.0)
        return "6.0.0"
        #else
        return "before 6.0"
        #endif
    }
}
