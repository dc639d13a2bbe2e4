// libFuzzer entry point of the `pnm` target (built by scripts/fuzz.sh together with
// Tests/InvLabIOTests/Fuzz/IOFuzzHarness.swift, which holds what is done with the input).
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do {
        _ = try IOFuzzHarness.run("pnm", Data(bytes: data, count: size))
    } catch {
        fatalError("pnm: \(error)")
    }
    return 0
}
