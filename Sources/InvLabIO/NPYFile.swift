import Foundation
import InvLabTensor

/// Reads and writes NumPy `.npy` arrays (format versions 1.0, 2.0 and 3.0).
///
/// Reading accepts the numeric dtypes `f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1` in either byte
/// order and converts them to `Float`; Fortran-ordered arrays are transposed to C order.
/// The data must be exactly `product(shape) * itemsize` bytes. Writing always produces
/// version 1.0 (2.0 if the header would not fit), dtype `<f4`, C order, so NumPy reads
/// `reconstructions.npy` (N x C x H x W) as float32 directly.
public enum NPYFile {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Reads the array in the file at `url`.
    public static func read(contentsOf url: URL, limits: ReadLimits = .standard) throws -> Tensor {
        try decode(try Data(contentsOf: url), path: url.path, limits: limits)
    }

    /// Decodes an `.npy` held in memory; `path` names it in errors.
    public static func decode(_ data: Data, path: String, limits: ReadLimits = .standard) throws -> Tensor {
        let fail = FormatErrorFactory(path: path, format: "NPY")
        let prefix = [UInt8](data.prefix(12))
        guard prefix.count >= 10, Array(prefix[0..<6]) == magic else {
            throw fail.error("not an NPY file: expected the magic bytes \\x93NUMPY")
        }
        let (major, minor) = (prefix[6], prefix[7])
        guard (1...3).contains(major), minor == 0 else {
            throw fail.error("NPY format version \(major).\(minor) is not supported, expected 1.0, 2.0 or 3.0")
        }
        let lengthBytes = major == 1 ? 2 : 4
        guard prefix.count >= 8 + lengthBytes else { throw fail.error("NPY file ends inside its header length field") }
        let headerLength = prefix[8..<(8 + lengthBytes)].reversed().reduce(0) { $0 << 8 | Int($1) }
        let headerStart = 8 + lengthBytes
        guard headerLength <= limits.maxNPYHeaderBytes else {
            throw fail.error("NPY header length \(headerLength) exceeds the limit of \(limits.maxNPYHeaderBytes) bytes")
        }
        guard headerStart + headerLength <= data.count else {
            throw fail.error("NPY header length \(headerLength) runs past the end of the \(data.count)-byte file")
        }
        let headerBytes = [UInt8](data.dropFirst(headerStart).prefix(headerLength))
        let header = try NPYHeader.parse(headerBytes, fail)
        let (count, dataBytes) = try limits.checkTensor(shape: header.shape, bytesPerElement: header.encoding.size, fail)
        let dataStart = headerStart + headerLength
        let actual = data.count - dataStart
        guard actual == dataBytes else {
            throw fail.error("NPY data is \(actual) bytes, shape \(header.shape) of '\(header.descr)' needs \(dataBytes)")
        }
        let values = data.withUnsafeBytes { raw in
            ScalarDecoding.floats(UnsafeRawBufferPointer(rebasing: raw[dataStart...]), count: count,
                                  encoding: header.encoding, bigEndian: header.bigEndian)
        }
        let ordered = header.fortranOrder ? fortranToC(values, shape: header.shape) : values
        return Tensor(shape: header.shape, scalars: ordered)
    }

    /// `.npy` bytes of `tensor` as little-endian float32, C order.
    public static func encode(_ tensor: Tensor) -> Data {
        let shapeText: String
        switch tensor.shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(tensor.shape[0]),)"
        default: shapeText = "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        }
        let dictionary = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        // Pad with spaces so the data starts at a multiple of 64 bytes, ending the header with '\n'.
        func padded(prefixLength: Int) -> String {
            let unpadded = prefixLength + dictionary.utf8.count + 1
            return dictionary + String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        }
        var header = padded(prefixLength: 10)
        var version: UInt8 = 1
        if header.utf8.count > 65535 {  // version 1.0 stores the header length in 2 bytes
            version = 2
            header = padded(prefixLength: 12)
        }
        let length = header.utf8.count
        var data = Data(magic + [version, 0])
        let lengthBytes = version == 1 ? 2 : 4
        for i in 0..<lengthBytes { data.append(UInt8(truncatingIfNeeded: length >> (8 * i))) }
        data.append(contentsOf: Array(header.utf8))
        tensor.withUnsafeBufferPointer { buffer in
            var bytes = [UInt8](repeating: 0, count: buffer.count * 4)
            for (i, value) in buffer.enumerated() {
                let bits = value.bitPattern
                for b in 0..<4 { bytes[4 * i + b] = UInt8(truncatingIfNeeded: bits >> UInt32(8 * b)) }
            }
            data.append(contentsOf: bytes)
        }
        return data
    }

    /// Writes `encode(tensor)` atomically.
    public static func write(_ tensor: Tensor, to url: URL) throws {
        try AtomicFile.write(encode(tensor), to: url)
    }

    /// Reorders elements stored column-major (first index fastest) into row-major order.
    static func fortranToC(_ values: [Float], shape: [Int]) -> [Float] {
        guard shape.count > 1, !values.isEmpty else { return values }
        var fortranStrides = [Int](repeating: 1, count: shape.count)
        for axis in 1..<shape.count { fortranStrides[axis] = fortranStrides[axis - 1] * shape[axis - 1] }
        var output = [Float](repeating: 0, count: values.count)
        var index = [Int](repeating: 0, count: shape.count)
        var source = 0
        for target in 0..<values.count {
            output[target] = values[source]
            // Advance the row-major odometer (last axis fastest), tracking the column-major offset.
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                source += fortranStrides[axis]
                if index[axis] < shape[axis] { break }
                source -= fortranStrides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return output
    }
}
