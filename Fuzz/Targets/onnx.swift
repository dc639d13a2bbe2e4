// libFuzzer entry point of the `onnx` target. scripts/fuzz.sh links this file with
// Tests/InvLabONNXTests/Fuzz/ONNXFuzzHarness.swift (which holds what is done with an input: load
// the bytes as an ONNX model, run it once with its input gradient) as `fuzz-onnx`.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do {
        _ = try ONNXFuzzHarness.run(Data(bytes: data, count: size))
    } catch {
        fatalError("onnx: \(error)")
    }
    return 0
}
