// libFuzzer entry point of the `gzip` target (built by scripts/fuzz.sh together with
// Tests/InvLabIOTests/Fuzz/IOFuzzHarness.swift, which holds what is done with the input).
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do {
        _ = try IOFuzzHarness.run("gzip", Data(bytes: data, count: size))
    } catch {
        fatalError("gzip: \(error)")
    }
    return 0
}
