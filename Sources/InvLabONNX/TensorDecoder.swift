import Foundation
import InvLabTensor

/// Turns a `TensorProto` into an `ONNXValue`, reading its data from the typed fields, from
/// `raw_data` (little-endian) or from an external data file.
///
/// Every size is checked before anything is allocated: dimensions must be non-negative, their
/// product must not overflow nor exceed `maximumElements`, and the stored bytes must match it.
struct TensorDecoder {
    /// The largest tensor accepted (2^31 elements, 8 GB of Float), far above any classifier's weights.
    static let maximumElements = 1 << 31
    static let supportedTypes = "FLOAT, DOUBLE, INT32, INT64"

    var path: String
    var directory: URL

    func decode(_ proto: Onnx_TensorProto, what: String) throws -> ONNXValue {
        let shape = try checkedShape(proto.dims, what: what)
        let count = shape.reduce(1, *)
        guard let type = Onnx_TensorProto.DataType(rawValue: Int(proto.dataType)) else {
            throw ONNXError("\(path): \(what) has unknown data type \(proto.dataType); supported: \(Self.supportedTypes)")
        }
        let width: Int
        switch type {
        case .float, .int32: width = 4
        case .double, .int64: width = 8
        default:
            throw ONNXError("\(path): \(what) has data type \(Self.typeName(type)) (\(proto.dataType)); supported: \(Self.supportedTypes)")
        }
        var raw: Data?
        if proto.dataLocation == .external {
            raw = try externalData(proto, what: what)
        } else if proto.hasRawData {
            raw = proto.rawData
        }
        if let raw {
            guard raw.count == count * width else {
                throw ONNXError("\(path): \(what) of shape \(shape) needs \(count * width) bytes of \(Self.typeName(type)) data, found \(raw.count)")
            }
            switch type {
            case .float: return .float(Tensor(shape: shape, scalars: Self.littleEndian(raw, as: UInt32.self).map(Float.init(bitPattern:))))
            case .double: return .float(Tensor(shape: shape, scalars: Self.littleEndian(raw, as: UInt64.self).map { Float(Double(bitPattern: $0)) }))
            case .int32: return .integers(IntegerTensor(shape: shape, values: Self.littleEndian(raw, as: UInt32.self).map { Int64(Int32(bitPattern: $0)) }))
            default: return .integers(IntegerTensor(shape: shape, values: Self.littleEndian(raw, as: UInt64.self).map { Int64(bitPattern: $0) }))
            }
        }
        func checked(_ found: Int) throws {
            guard found == count else {
                throw ONNXError("\(path): \(what) of shape \(shape) needs \(count) \(Self.typeName(type)) values, found \(found)")
            }
        }
        switch type {
        case .float:
            try checked(proto.floatData.count)
            return .float(Tensor(shape: shape, scalars: proto.floatData))
        case .double:
            try checked(proto.doubleData.count)
            return .float(Tensor(shape: shape, scalars: proto.doubleData.map { Float($0) }))
        case .int32:
            try checked(proto.int32Data.count)
            return .integers(IntegerTensor(shape: shape, values: proto.int32Data.map { Int64($0) }))
        default:
            try checked(proto.int64Data.count)
            return .integers(IntegerTensor(shape: shape, values: proto.int64Data))
        }
    }

    /// Dimensions as `Int`, each non-negative, with a product that fits `maximumElements`.
    func checkedShape(_ dims: [Int64], what: String) throws -> [Int] {
        var count = 1
        for dim in dims {
            guard dim >= 0, dim <= Int64(Self.maximumElements) else {
                throw ONNXError("\(path): \(what) has dimension \(dim) in shape \(dims); dimensions must be 0...\(Self.maximumElements)")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(dim))
            guard !overflow, product <= Self.maximumElements else {
                throw ONNXError("\(path): \(what) of shape \(dims) has more than \(Self.maximumElements) elements")
            }
            count = product
        }
        return dims.map { Int($0) }
    }

    /// The bytes named by `external_data` (location, offset, length), read from a file in the
    /// model's directory; locations that leave the directory are refused.
    func externalData(_ proto: Onnx_TensorProto, what: String) throws -> Data {
        var entries: [String: String] = [:]
        for entry in proto.externalData { entries[entry.key] = entry.value }
        guard let location = entries["location"], !location.isEmpty else {
            throw ONNXError("\(path): \(what) is stored externally but names no location")
        }
        guard !location.hasPrefix("/"), !location.split(separator: "/").contains("..") else {
            throw ONNXError("\(path): \(what) has external data location '\(location)', which leaves the model's directory")
        }
        func number(_ key: String) throws -> UInt64? {
            guard let text = entries[key] else { return nil }
            guard let value = UInt64(text) else {
                throw ONNXError("\(path): \(what) has external data \(key) '\(text)', not a non-negative integer")
            }
            return value
        }
        let offset = try number("offset") ?? 0
        let length = try number("length")
        let file = directory.appendingPathComponent(location).path
        guard let handle = FileHandle(forReadingAtPath: file) else {
            throw ONNXError("\(path): \(what) is stored in external data file '\(location)', which cannot be opened (looked for \(file))")
        }
        defer { try? handle.close() }
        do {
            let size = try handle.seekToEnd()
            guard offset <= size, length.map({ $0 <= size - offset }) ?? true else {
                throw ONNXError("\(path): \(what) reads bytes \(offset)..<\(offset + (length ?? 0)) of external data file '\(location)', which has \(size) bytes")
            }
            guard (length ?? (size - offset)) <= UInt64(Self.maximumElements) * 8 else {
                throw ONNXError("\(path): \(what) asks for \(length ?? (size - offset)) bytes of external data, more than the largest tensor")
            }
            try handle.seek(toOffset: offset)
            let bytes = try length.map { try handle.read(upToCount: Int($0)) } ?? handle.readToEnd()
            return bytes ?? Data()
        } catch let error as ONNXError {
            throw error
        } catch {
            throw ONNXError("\(path): \(what): reading external data file '\(location)' failed (\(error.localizedDescription))")
        }
    }

    /// Fixed-width little-endian integers from raw bytes.
    static func littleEndian<T: FixedWidthInteger>(_ data: Data, as: T.Type) -> [T] {
        let width = MemoryLayout<T>.size
        var values = [T](repeating: 0, count: data.count / width)
        values.withUnsafeMutableBytes { destination in
            _ = data.copyBytes(to: destination)
        }
        return values.map { T(littleEndian: $0) }
    }

    static func typeName(_ type: Onnx_TensorProto.DataType) -> String {
        String(describing: type).uppercased()
    }
}
