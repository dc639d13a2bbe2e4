import Foundation
import InvLabJSON

/// The validated JSON header of a safetensors file.
///
/// Everything a hostile file could get wrong is checked before any tensor is decoded: header
/// length within the file and the limit, a JSON object, each entry with exactly `dtype`,
/// `shape` and `data_offsets`, offsets inside the data section, byte count equal to
/// `product(shape) * dtype size` (overflow-checked), entries neither overlapping nor leaving
/// gaps (as the reference implementation requires), and `__metadata__` a string-to-string map.
struct SafetensorsHeader {
    /// Stored element types (all are converted to Float when read).
    enum DType: String, CaseIterable {
        case F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL

        var encoding: ScalarEncoding {
            switch self {
            case .F64: return .float64
            case .F32: return .float32
            case .F16: return .float16
            case .BF16: return .bfloat16
            case .I64: return .int64
            case .I32: return .int32
            case .I16: return .int16
            case .I8: return .int8
            case .U64: return .uint64
            case .U32: return .uint32
            case .U16: return .uint16
            case .U8: return .uint8
            case .BOOL: return .bool
            }
        }
    }

    struct Entry {
        var name: String
        var dtype: DType
        var shape: [Int]
        var begin: Int
        var end: Int
        var elementCount: Int
        var byteCount: Int { end - begin }
    }

    var entries: [Entry]
    var metadata: [String: String]
    /// Offset of the data section in the file.
    var dataStart: Int

    static func parse(_ data: Data, path: String, limits: ReadLimits) throws -> SafetensorsHeader {
        let fail = FormatErrorFactory(path: path, format: "safetensors")
        guard data.count >= 8 else {
            throw fail.error("file is \(data.count) bytes, too short for the 8-byte header length")
        }
        let declared = data.withUnsafeBytes { ScalarDecoding.word($0, offset: 0, size: 8, bigEndian: false) }
        guard let headerLength = CheckedArithmetic.int(declared), headerLength <= limits.maxSafetensorsHeaderBytes else {
            throw fail.error("header length \(declared) exceeds the limit of \(limits.maxSafetensorsHeaderBytes) bytes")
        }
        guard headerLength <= data.count - 8 else {
            throw fail.error("header length \(headerLength) runs past the end of the \(data.count)-byte file")
        }
        let headerData = data.dropFirst(8).prefix(headerLength)
        guard headerData.first == UInt8(ascii: "{") else { throw fail.error("header does not start with '{'") }
        let header: JSONValue
        do {
            header = try JSONValue.parse(Data(headerData))
        } catch {
            throw fail.error("header is not valid JSON (\(headerLength) bytes)")
        }
        guard case .object(let members) = header else { throw fail.error("header is not a JSON object") }
        let dataStart = 8 + headerLength
        let dataSize = data.count - dataStart
        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for (name, value) in members {
            if name == "__metadata__" {
                guard case .object(let map) = value else { throw fail.error("__metadata__ is not a JSON object") }
                for (key, item) in map {
                    guard case .string(let text) = item else {
                        throw fail.error("__metadata__ entry '\(key)' is not a string; metadata maps strings to strings")
                    }
                    metadata[key] = text
                }
                continue
            }
            entries.append(try entry(name, value, dataSize: dataSize, limits: limits, fail))
        }
        try checkLayout(entries.sorted { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) },
                        dataSize: dataSize, fail)
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        return SafetensorsHeader(entries: entries, metadata: metadata, dataStart: dataStart)
    }

    private static func entry(_ name: String, _ value: JSONValue, dataSize: Int, limits: ReadLimits,
                              _ fail: FormatErrorFactory) throws -> Entry {
        guard case .object(let members) = value else { throw fail.error("entry is not a JSON object", tensor: name) }
        let keys = Set(members.map(\.key))
        guard keys == ["dtype", "shape", "data_offsets"] else {
            throw fail.error("entry has keys \(keys.sorted()), expected exactly data_offsets, dtype and shape", tensor: name)
        }
        guard case .string(let dtypeName) = value["dtype"], let dtype = DType(rawValue: dtypeName) else {
            throw fail.error("dtype \(describe(value["dtype"])) is not supported, expected one of "
                + DType.allCases.map(\.rawValue).joined(separator: ", "), tensor: name)
        }
        guard let shape = integers(value["shape"]) else {
            throw fail.error("shape is not a list of non-negative integers", tensor: name)
        }
        guard let offsets = integers(value["data_offsets"]), offsets.count == 2 else {
            throw fail.error("data_offsets is not a pair of non-negative integers [begin, end]", tensor: name)
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin <= end else { throw fail.error("data_offsets [\(begin), \(end)) end before they begin", tensor: name) }
        guard end <= dataSize else {
            throw fail.error("data_offsets [\(begin), \(end)) run past the end of the \(dataSize)-byte data section",
                             tensor: name)
        }
        let (count, needed) = try limits.checkTensor(shape: shape, bytesPerElement: dtype.encoding.size, fail, tensor: name)
        guard end - begin == needed else {
            throw fail.error("data_offsets [\(begin), \(end)) hold \(end - begin) bytes, shape \(shape) of "
                + "\(dtype.rawValue) needs \(needed)", tensor: name)
        }
        return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end, elementCount: count)
    }

    /// Entries sorted by offset must tile the data section exactly: no overlap, no gap, no tail.
    private static func checkLayout(_ sorted: [Entry], dataSize: Int, _ fail: FormatErrorFactory) throws {
        var covered = 0
        var previous: Entry?
        for entry in sorted {
            if entry.begin < covered, let previous {
                throw fail.error("data_offsets [\(entry.begin), \(entry.end)) overlap tensor '\(previous.name)' "
                    + "at [\(previous.begin), \(previous.end))", tensor: entry.name)
            }
            if entry.begin > covered {
                throw fail.error("data_offsets [\(entry.begin), \(entry.end)) leave bytes [\(covered), \(entry.begin)) "
                    + "of the data section unused", tensor: entry.name)
            }
            covered = entry.end
            previous = entry
        }
        guard covered == dataSize else {
            throw fail.error("data section is \(dataSize) bytes but the tensors cover only \(covered)")
        }
    }

    /// A JSON array of non-negative integers (booleans and fractions rejected).
    private static func integers(_ value: JSONValue?) -> [Int]? {
        guard case .array(let items) = value else { return nil }
        var result: [Int] = []
        for item in items {
            guard case .integer(let integer) = item, integer >= 0 else { return nil }
            result.append(integer)
        }
        return result
    }

    private static func describe(_ value: JSONValue?) -> String {
        if case .string(let text) = value { return "'\(text)'" }
        return "(missing or not a string)"
    }
}
