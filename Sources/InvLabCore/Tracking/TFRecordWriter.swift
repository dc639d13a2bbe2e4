import Foundation

// TensorBoard event files, written without TensorFlow: TFRecord framing around `Event` protobuf
// messages (tensorflow/core/util/event.proto, tensorflow/core/framework/summary.proto).
//
// Why the protobuf fields are encoded by hand: apple/swift-protobuf is on this project's package
// mirror, but its runtime only serialises `Message` types that protoc's Swift plugin generates from
// the .proto files; protoc is not on the build machines, building the plugin adds ~10 minutes to a
// first build, and the generated event/summary/tensor/resource-handle sources would be thousands of
// lines for the dozen fields used here. Those fields are three wire types (varint, 64/32-bit
// fixed, length-delimited), tested against known encodings and read back by the `tensorboard`
// package itself in the tests (`TensorBoardTests`). CRC32C is table-driven: zlib has CRC-32 only.

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of TFRecord framing.
public enum CRC32C {
    static let table: [UInt32] = (0..<256).map { byte in
        var crc = UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        return crc
    }

    /// The CRC-32C of `bytes` (`checksum(Array("123456789".utf8)) == 0xE3069283`).
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// TFRecord's masked CRC: rotated right by 15 bits plus a constant, so that a CRC stored
    /// inside checksummed data does not checksum to a fixed point.
    public static func masked<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        let crc = checksum(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}

/// TFRecord framing of one record: length (UInt64 little-endian), masked CRC-32C of the length,
/// the data, masked CRC-32C of the data.
public enum TFRecord {
    public static func frame(_ data: [UInt8]) -> [UInt8] {
        let length = littleEndian(UInt64(data.count))
        return length + littleEndian(CRC32C.masked(length)) + data + littleEndian(CRC32C.masked(data))
    }

    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
}

/// The protobuf wire format, for the few field kinds an `Event` needs (proto3, fields written in
/// ascending number order as protoc does).
public struct ProtobufWriter {
    public private(set) var bytes: [UInt8] = []
    public init() {}

    mutating func key(_ field: Int, wireType: UInt64) { varint(UInt64(field) << 3 | wireType) }

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// An int32/int64 field (negative values as ten-byte two's complement, as protobuf does).
    public mutating func int(_ field: Int, _ value: Int64) {
        key(field, wireType: 0)
        varint(UInt64(bitPattern: value))
    }

    /// A `double` field (wire type 1).
    public mutating func double(_ field: Int, _ value: Double) {
        key(field, wireType: 1)
        bytes += TFRecord.littleEndian(value.bitPattern)
    }

    /// A `float` field (wire type 5).
    public mutating func float(_ field: Int, _ value: Float) {
        key(field, wireType: 5)
        bytes += TFRecord.littleEndian(value.bitPattern)
    }

    /// A `bytes`, `string` or embedded message field (wire type 2).
    public mutating func lengthDelimited(_ field: Int, _ value: [UInt8]) {
        key(field, wireType: 2)
        varint(UInt64(value.count))
        bytes += value
    }

    public mutating func string(_ field: Int, _ value: String) { lengthDelimited(field, Array(value.utf8)) }
}

/// One TensorBoard `Event` record's payload.
public enum TensorBoardEvent {
    /// A value of a `Summary`: a scalar (`simple_value`) or an encoded image.
    public enum Value {
        case scalar(tag: String, value: Float)
        /// PNG bytes; `colorspace` 1 grey, 3 RGB, 4 RGBA.
        case image(tag: String, png: [UInt8], height: Int, width: Int, colorspace: Int)
    }

    /// `Event{wall_time: 1, step: 2, file_version: 3}`: the first record of every event file.
    public static func fileVersion(wallTime: Double) -> [UInt8] {
        var event = ProtobufWriter()
        event.double(1, wallTime)
        event.string(3, "brain.Event:2")
        return event.bytes
    }

    /// `Event{wall_time: 1, step: 2, summary: 5}` with `Summary{repeated value: 1}`, each
    /// `Summary.Value{tag: 1, simple_value: 2, image: 4}` and
    /// `Summary.Image{height: 1, width: 2, colorspace: 3, encoded_image_string: 4}`.
    public static func summary(wallTime: Double, step: Int, values: [Value]) -> [UInt8] {
        var summary = ProtobufWriter()
        for value in values {
            var entry = ProtobufWriter()
            switch value {
            case .scalar(let tag, let number):
                entry.string(1, tag)
                entry.float(2, number)
            case .image(let tag, let png, let height, let width, let colorspace):
                entry.string(1, tag)
                var image = ProtobufWriter()
                image.int(1, Int64(height))
                image.int(2, Int64(width))
                image.int(3, Int64(colorspace))
                image.lengthDelimited(4, png)
                entry.lengthDelimited(4, image.bytes)
            }
            summary.lengthDelimited(1, entry.bytes)
        }
        var event = ProtobufWriter()
        event.double(1, wallTime)
        event.int(2, Int64(step))
        event.lengthDelimited(5, summary.bytes)
        return event.bytes
    }
}

/// An event file (`events.out.tfevents.<seconds>.<host>.<pid>.<random>`) in one TensorBoard run
/// directory. Records are appended whole and flushed to disk after each batch, so a run killed at
/// any moment leaves a file TensorBoard reads up to the last complete batch (its reader stops
/// quietly at a truncated final record). The file-version record is written when the file is made.
public final class EventFileWriter {
    public let url: URL
    private let handle: FileHandle

    /// Makes `directory` (and parents) and a new event file in it.
    public init(directory: URL, now: Date = Date()) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // A random last part keeps two files of one process and second apart (TensorBoard only
        // needs "tfevents" in the name, and reads a run directory's files in name order).
        let number = UUID().uuidString.prefix(8).lowercased()
        let host = ProcessInfo.processInfo.hostName.replacingOccurrences(of: "/", with: "_")
        url = directory.appendingPathComponent(
            "events.out.tfevents.\(Int(now.timeIntervalSince1970)).\(host).\(ProcessInfo.processInfo.processIdentifier).\(number)")
        let first = Data(TFRecord.frame(TensorBoardEvent.fileVersion(wallTime: now.timeIntervalSince1970)))
        // The file appears with its version record complete (written to a temporary name, renamed).
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp")
        try first.write(to: temporary)
        _ = try? FileManager.default.removeItem(at: url)
        try FileManager.default.moveItem(at: temporary, to: url)
        handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
    }

    /// Appends `events` (payloads from `TensorBoardEvent`) as TFRecords and flushes them to disk.
    public func append(_ events: [[UInt8]]) throws {
        guard !events.isEmpty else { return }
        try handle.write(contentsOf: Data(events.flatMap(TFRecord.frame)))
        try handle.synchronize()
    }

    public func close() throws { try handle.close() }

    deinit { try? handle.close() }
}
