import Foundation
import InvLabJSON
import InvLabTensor

/// A tensor with its name in a weight file, e.g. `block1.conv.weight`.
public struct NamedTensor: Equatable, Sendable {
    public var name: String
    public var tensor: Tensor
    public init(name: String, tensor: Tensor) {
        self.name = name
        self.tensor = tensor
    }
}

/// The contents of a safetensors file: named tensors (all converted to `Float`) in the order
/// their data appears in the file, plus the free-form `__metadata__` string map.
///
/// safetensors is the weight format of Hugging Face and PyTorch (`safetensors.torch.save_file`):
/// an 8-byte little-endian header length, a JSON header describing each tensor (dtype, shape,
/// byte range), then the raw little-endian data. It cannot execute code on load, unlike pickle.
public struct SafetensorsFile: Equatable, Sendable {
    /// The tensors in file order (by data offset).
    public var tensors: [NamedTensor]
    /// The `__metadata__` entries (empty when absent).
    public var metadata: [String: String]

    public init(tensors: [NamedTensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor called `name`, if present.
    public subscript(name: String) -> Tensor? {
        tensors.first { $0.name == name }?.tensor
    }

    /// The tensor names in file order.
    public var names: [String] { tensors.map(\.name) }

    /// The tensors as a dictionary (the flat parameter dictionary of the NN module).
    public var dictionary: [String: Tensor] {
        Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
    }
}

/// Reading and writing safetensors. See `SafetensorsFile` for the format; the reader's
/// validation is in `SafetensorsHeader`.
public enum Safetensors {
    /// Reads and validates the file at `url`.
    public static func read(contentsOf url: URL, limits: ReadLimits = .standard) throws -> SafetensorsFile {
        try decode(try Data(contentsOf: url), path: url.path, limits: limits)
    }

    /// Decodes a safetensors file held in memory; `path` names it in errors.
    public static func decode(_ data: Data, path: String, limits: ReadLimits = .standard) throws -> SafetensorsFile {
        let header = try SafetensorsHeader.parse(data, path: path, limits: limits)
        let tensors = data.withUnsafeBytes { raw in
            header.entries.map { entry -> NamedTensor in
                let start = header.dataStart + entry.begin
                let slice = UnsafeRawBufferPointer(rebasing: raw[start..<(start + entry.byteCount)])
                let values = ScalarDecoding.floats(slice, count: entry.elementCount, encoding: entry.dtype.encoding,
                                                   bigEndian: false)
                return NamedTensor(name: entry.name, tensor: Tensor(shape: entry.shape, scalars: values))
            }
        }
        return SafetensorsFile(tensors: tensors, metadata: header.metadata)
    }

    /// safetensors bytes: every tensor as F32, names sorted, header padded with spaces to a
    /// multiple of 8 bytes. Throws if a name appears twice or is `__metadata__`.
    public static func encode(_ tensors: [NamedTensor], metadata: [String: String] = [:]) throws -> Data {
        let sorted = tensors.sorted { $0.name < $1.name }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.name == b.name {
            throw FileFormatError(path: "<memory>", format: "safetensors", tensorName: a.name,
                                  message: "name appears twice; tensor names must be unique")
        }
        if sorted.contains(where: { $0.name == "__metadata__" }) {
            throw FileFormatError(path: "<memory>", format: "safetensors", tensorName: "__metadata__",
                                  message: "the name __metadata__ is reserved for the metadata map")
        }
        var fields: [(key: String, value: JSONValue)] = []
        if !metadata.isEmpty {
            fields.append(("__metadata__", .object(metadata.keys.sorted().map { ($0, .string(metadata[$0] ?? "")) })))
        }
        var offset = 0
        for item in sorted {
            let bytes = item.tensor.count * 4
            fields.append((item.name, ["dtype": "F32", "shape": .array(item.tensor.shape.map { .integer($0) }),
                                       "data_offsets": [.integer(offset), .integer(offset + bytes)]]))
            offset += bytes
        }
        var header = Array(JSONValue.object(fields).serialized(pretty: false).utf8)
        header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)
        var data = Data(capacity: 8 + header.count + offset)
        for i in 0..<8 { data.append(UInt8(truncatingIfNeeded: UInt64(header.count) >> UInt64(8 * i))) }
        data.append(contentsOf: header)
        for item in sorted {
            var bytes = [UInt8](repeating: 0, count: item.tensor.count * 4)
            item.tensor.withUnsafeBufferPointer { buffer in
                for (i, value) in buffer.enumerated() {
                    let bits = value.bitPattern
                    for b in 0..<4 { bytes[4 * i + b] = UInt8(truncatingIfNeeded: bits >> UInt32(8 * b)) }
                }
            }
            data.append(contentsOf: bytes)
        }
        return data
    }

    /// `encode` for a dictionary of tensors.
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> Data {
        try encode(tensors.map { NamedTensor(name: $0.key, tensor: $0.value) }, metadata: metadata)
    }

    /// Writes `encode(tensors, metadata:)` atomically.
    public static func write(_ tensors: [NamedTensor], metadata: [String: String] = [:], to url: URL) throws {
        try AtomicFile.write(try encode(tensors, metadata: metadata), to: url)
    }

    /// Writes a dictionary of tensors atomically.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        try AtomicFile.write(try encode(tensors, metadata: metadata), to: url)
    }
}
