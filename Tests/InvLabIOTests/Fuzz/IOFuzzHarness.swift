import Foundation
import InvLabIO
import InvLabTensor

/// What the file-reader fuzz targets do with one input, shared by the libFuzzer binaries
/// (scripts/fuzz.sh compiles this file into each of them) and the corpus replay tests, so a
/// crashing input found by the fuzzer is replayed through exactly the same calls.
///
/// The contract checked: every reader either returns a valid result or throws a
/// `FileFormatError`. A trap (overflow, out-of-bounds index, force unwrap) crashes the process;
/// a result that breaks the reader's documented guarantees, or any other error type, is a
/// `FuzzViolation`. Valid results are also re-encoded where a writer exists and must read back
/// bit for bit.
enum IOFuzzHarness {
    /// One fuzz target per reader; the names of the folders under `Fuzz/seeds/`.
    static let targets = ["pnm", "png", "jpeg", "idx", "npy", "safetensors", "gzip"]

    /// How a reader treated an input.
    enum Outcome: Equatable {
        /// Decoded into a result that passed every check.
        case accepted
        /// Refused with a `FileFormatError` (its description).
        case rejected(String)
    }

    /// The name every input is decoded under (appears in error messages).
    static let path = "fuzz-input"

    /// Runs `data` through the reader of `target`.
    /// - Throws: `FuzzViolation` when the reader returned an invalid result or threw anything
    ///   other than a `FileFormatError`.
    static func run(_ target: String, _ data: Data) throws -> Outcome {
        do {
            switch target {
            case "pnm": try checkImage(try PNMCodec.decode(data, path: path))
            case "png": try checkImage(try PNGCodec.decode(data, path: path))
            case "jpeg": try checkImage(try JPEGDecoder.decode(data, path: path))
            case "idx": try runIDX(data)
            case "npy": try runNPY(data)
            case "safetensors": try runSafetensors(data)
            case "gzip": try runGzip(data)
            default: throw FuzzViolation("unknown fuzz target '\(target)'")
            }
            return .accepted
        } catch let error as FileFormatError {
            guard error.path == path, !error.message.isEmpty else {
                throw FuzzViolation("error does not name the input or says nothing: \(error)")
            }
            return .rejected(error.description)
        } catch let violation as FuzzViolation {
            throw violation
        } catch {
            throw FuzzViolation("threw \(type(of: error)) instead of FileFormatError: \(error)")
        }
    }

    /// An image is 1 or 3 planes of `width * height` finite values in [0, 1].
    static func checkImage(_ image: Image) throws {
        guard image.width > 0, image.height > 0, image.channels == 1 || image.channels == 3 else {
            throw FuzzViolation("image \(image.width)x\(image.height)x\(image.channels) has an invalid size")
        }
        guard image.pixels.count == image.width * image.height * image.channels else {
            throw FuzzViolation("image \(image.width)x\(image.height)x\(image.channels) has \(image.pixels.count) values")
        }
        guard image.pixels.allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
            throw FuzzViolation("image has a value outside [0, 1]")
        }
    }

    /// IDX as an image tensor (scaled) and, when 1-D integer, as labels; both must agree.
    static func runIDX(_ data: Data) throws {
        let tensor = try IDXReader.decodeTensor(data, path: path, scaleBytesToUnit: true)
        try checkShape(tensor)
        guard tensor.shape.count == 1 else { return }
        let labels: [Int]
        do {
            labels = try IDXReader.decodeLabels(data, path: path)
        } catch let error as FileFormatError where error.message.hasPrefix("IDX labels must be integers") {
            return  // float IDX: a tensor, not labels
        }
        guard labels.count == tensor.count else {
            throw FuzzViolation("IDX labels count \(labels.count) differs from tensor count \(tensor.count)")
        }
    }

    /// NPY decodes, and re-encoding (float32, C order) reads back bit for bit.
    static func runNPY(_ data: Data) throws {
        let tensor = try NPYFile.decode(data, path: path)
        try checkShape(tensor)
        let again = try NPYFile.decode(NPYFile.encode(tensor), path: path)
        try expectIdentical(tensor, again, what: "NPY round trip")
    }

    /// safetensors decodes to uniquely named tensors, and re-encoding reads back bit for bit.
    static func runSafetensors(_ data: Data) throws {
        let file = try Safetensors.decode(data, path: path)
        guard Set(file.names).count == file.names.count, !file.names.contains("__metadata__") else {
            throw FuzzViolation("safetensors names are not unique or include __metadata__: \(file.names)")
        }
        for item in file.tensors { try checkShape(item.tensor) }
        let again = try Safetensors.decode(try Safetensors.encode(file.tensors, metadata: file.metadata), path: path)
        guard again.metadata == file.metadata, again.names.sorted() == file.names.sorted() else {
            throw FuzzViolation("safetensors round trip changed the names or the metadata")
        }
        for item in file.tensors {
            guard let copy = again[item.name] else { throw FuzzViolation("round trip lost '\(item.name)'") }
            try expectIdentical(item.tensor, copy, what: "safetensors round trip of '\(item.name)'")
        }
    }

    /// gzip decompresses, and compressing the output again decompresses to the same bytes.
    static func runGzip(_ data: Data) throws {
        let output = try Gzip.decompress(data, path: path)
        let again = try Gzip.decompress(try Gzip.compress(output), path: path)
        guard again == output else { throw FuzzViolation("gzip round trip changed \(output.count) bytes") }
    }

    static func checkShape(_ tensor: Tensor) throws {
        guard tensor.shape.allSatisfy({ $0 >= 0 }), tensor.shape.reduce(1, *) == tensor.count else {
            throw FuzzViolation("tensor shape \(tensor.shape) does not match its \(tensor.count) values")
        }
    }

    /// Same shape and the same bit pattern in every element (NaN payloads included).
    static func expectIdentical(_ a: Tensor, _ b: Tensor, what: String) throws {
        guard a.shape == b.shape, a.scalars.map(\.bitPattern) == b.scalars.map(\.bitPattern) else {
            throw FuzzViolation("\(what): shape \(a.shape) became \(b.shape) or values changed")
        }
    }
}

/// A reader broke its contract on a fuzz input (the fuzz targets turn this into a crash).
struct FuzzViolation: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
