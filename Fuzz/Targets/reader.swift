// libFuzzer entry point of every file-reader target (pnm, png, jpeg, idx, npy, safetensors,
// gzip). scripts/fuzz.sh links this file with Tests/InvLabIOTests/Fuzz/IOFuzzHarness.swift (which
// holds what is done with an input) once per reader, as `fuzz-<reader>`; the binary's own file
// name says which reader it fuzzes, so one entry point serves them all.
import Foundation

/// The reader of this binary: `fuzz-png` fuzzes `png`.
let fuzzedReader: String = {
    let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    let name = URL(fileURLWithPath: executable).lastPathComponent
    return name.hasPrefix("fuzz-") ? String(name.dropFirst("fuzz-".count)) : name
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do {
        _ = try IOFuzzHarness.run(fuzzedReader, Data(bytes: data, count: size))
    } catch {
        fatalError("\(fuzzedReader): \(error)")
    }
    return 0
}
