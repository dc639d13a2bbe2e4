import Foundation
import InvLabTensor

/// Reads IDX files, the format of MNIST and Fashion-MNIST, raw or gzip-compressed
/// (recognised by the gzip magic `1f 8b`, not by the `.gz` extension).
///
/// Layout: a 4-byte magic `00 00 TT NN` (data type `TT`, dimension count `NN`), `NN`
/// big-endian 32-bit dimensions, then the elements, big-endian, row-major. The file must hold
/// exactly the declared number of elements: a short file (an interrupted download) or extra
/// bytes are errors.
public enum IDXReader {
    /// An IDX element type.
    public enum DataType: UInt8, Sendable, CaseIterable {
        case unsignedByte = 0x08, signedByte = 0x09, int16 = 0x0B, int32 = 0x0C, float32 = 0x0D, float64 = 0x0E

        /// The name used in errors and descriptions.
        public var name: String {
            switch self {
            case .unsignedByte: return "ubyte"
            case .signedByte: return "byte"
            case .int16: return "short"
            case .int32: return "int"
            case .float32: return "float"
            case .float64: return "double"
            }
        }

        var encoding: ScalarEncoding {
            switch self {
            case .unsignedByte: return .uint8
            case .signedByte: return .int8
            case .int16: return .int16
            case .int32: return .int32
            case .float32: return .float32
            case .float64: return .float64
            }
        }
    }

    /// The elements of an IDX file as a tensor of its declared shape. With
    /// `scaleBytesToUnit`, ubyte values are divided by 255 (images in [0, 1]).
    public static func readTensor(contentsOf url: URL, scaleBytesToUnit: Bool = false,
                                  limits: ReadLimits = .standard) throws -> Tensor {
        try decodeTensor(try Data(contentsOf: url), path: url.path, scaleBytesToUnit: scaleBytesToUnit, limits: limits)
    }

    /// The elements of a 1-D integer IDX file (labels) as exact integers.
    public static func readLabels(contentsOf url: URL, limits: ReadLimits = .standard) throws -> [Int] {
        try decodeLabels(try Data(contentsOf: url), path: url.path, limits: limits)
    }

    /// `readTensor` for a file already in memory; `path` names it in errors.
    public static func decodeTensor(_ data: Data, path: String, scaleBytesToUnit: Bool = false,
                                    limits: ReadLimits = .standard) throws -> Tensor {
        let contents = try decompressedIfNeeded(data, path: path, limits: limits)
        let layout = try parse(contents, path: path, limits: limits)
        var values = contents.withUnsafeBytes { raw in
            ScalarDecoding.floats(UnsafeRawBufferPointer(rebasing: raw[layout.dataOffset...]), count: layout.count,
                                  encoding: layout.type.encoding, bigEndian: true)
        }
        if scaleBytesToUnit && layout.type == .unsignedByte {
            for i in values.indices { values[i] /= 255 }
        }
        return Tensor(shape: layout.shape, scalars: values)
    }

    /// `readLabels` for a file already in memory; `path` names it in errors.
    public static func decodeLabels(_ data: Data, path: String, limits: ReadLimits = .standard) throws -> [Int] {
        let contents = try decompressedIfNeeded(data, path: path, limits: limits)
        let layout = try parse(contents, path: path, limits: limits)
        let fail = FormatErrorFactory(path: path, format: "IDX")
        guard layout.shape.count == 1 else {
            throw fail.error("IDX labels must be 1-D, file has shape \(layout.shape)")
        }
        let labels = contents.withUnsafeBytes { raw in
            ScalarDecoding.integers(UnsafeRawBufferPointer(rebasing: raw[layout.dataOffset...]), count: layout.count,
                                    encoding: layout.type.encoding, bigEndian: true)
        }
        guard let labels else { throw fail.error("IDX labels must be integers, file holds \(layout.type.name)") }
        return labels
    }

    /// Where the elements are and how many: the validated header.
    struct Layout { var type: DataType; var shape: [Int]; var count: Int; var dataOffset: Int }

    static func parse(_ contents: Data, path: String, limits: ReadLimits) throws -> Layout {
        let fail = FormatErrorFactory(path: path, format: "IDX")
        let bytes = [UInt8](contents.prefix(4))
        guard bytes.count == 4 else {
            throw fail.error("IDX file is \(contents.count) bytes, too short for the 4-byte magic number")
        }
        let magic = bytes.reduce(0) { $0 << 8 | UInt32($1) }
        guard bytes[0] == 0, bytes[1] == 0, bytes[3] > 0 else {
            throw fail.error(String(format: "IDX magic number is 0x%08x, expected 0x0000TTNN "
                + "(two zero bytes, data type TT, dimension count NN > 0), e.g. 0x00000803", magic))
        }
        guard let type = DataType(rawValue: bytes[2]) else {
            throw fail.error(String(format: "IDX data type 0x%02x is unknown, expected 0x08 (ubyte), 0x09 (byte), "
                + "0x0b (short), 0x0c (int), 0x0d (float) or 0x0e (double)", bytes[2]))
        }
        let rank = Int(bytes[3])
        let dataOffset = 4 + 4 * rank
        guard contents.count >= dataOffset else {
            throw fail.error("IDX file is \(contents.count) bytes, too short for its \(rank) dimension sizes "
                + "(header is \(dataOffset) bytes)")
        }
        let shape: [Int] = contents.withUnsafeBytes { raw in
            (0..<rank).map { Int(ScalarDecoding.word(raw, offset: 4 + 4 * $0, size: 4, bigEndian: true)) }
        }
        let (count, dataBytes) = try limits.checkTensor(shape: shape, bytesPerElement: type.encoding.size, fail)
        let expected = dataOffset + dataBytes
        guard contents.count == expected else {
            throw fail.error("IDX shape \(shape) of \(type.name): expected \(expected) bytes "
                + "(\(dataOffset) header + \(dataBytes) data), file has \(contents.count)")
        }
        return Layout(type: type, shape: shape, count: count, dataOffset: dataOffset)
    }

    private static func decompressedIfNeeded(_ data: Data, path: String, limits: ReadLimits) throws -> Data {
        Gzip.isGzip(data) ? try Gzip.decompress(data, path: path, limits: limits) : data
    }
}
