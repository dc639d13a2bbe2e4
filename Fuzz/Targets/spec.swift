// libFuzzer entry point of the `spec` target (built by scripts/fuzz.sh together with
// Tests/InvLabSpecTests/Fuzz/SpecFuzzHarness.swift and SpecFuzzConfig.swift). When the Core
// was built too, every input is also decoded as the Core's `ExperimentSpec`.
import Foundation
import InvLabSpec
#if canImport(InvLabCore)
import InvLabCore
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do {
        _ = try SpecFuzzHarness.run(Array(UnsafeBufferPointer(start: data, count: size)), extraDecode: decodeCoreSpec)
    } catch {
        fatalError("spec: \(error)")
    }
    return 0
}

/// The Core's whole-spec decoding (sections, plugin references, identities, output, sweep).
func decodeCoreSpec(_ root: Node) throws {
    #if canImport(InvLabCore)
    _ = try decode(ExperimentSpec.self, from: root, at: .root)
    #endif
}
