// libFuzzer entry point of the `jpeg` target (built by scripts/fuzz.sh together with
// Tests/InvLabIOTests/Fuzz/IOFuzzHarness.swift, which holds what is done with the input).
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do {
        _ = try IOFuzzHarness.run("jpeg", Data(bytes: data, count: size))
    } catch {
        fatalError("jpeg: \(error)")
    }
    return 0
}
