import Foundation
import InvLabCZlib

/// In-memory gzip through zlib, for `.gz` datasets (IDX, CSV) and test fixtures.
///
/// Decompression is capped (`ReadLimits.maxDecompressedBytes`) so a zip bomb is an error, not
/// an out-of-memory kill, and a corrupt or truncated stream is an error, not a crash.
/// Concatenated gzip members (as written by `cat a.gz b.gz`) are decompressed one after another.
public enum Gzip {
    /// True when `data` starts with the gzip magic bytes `1f 8b`.
    public static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }

    /// Decompresses a whole gzip file held in memory.
    /// - Parameter path: names the file in error messages.
    public static func decompress(_ data: Data, path: String, limits: ReadLimits = .standard) throws -> Data {
        let fail = FormatErrorFactory(path: path, format: "gzip")
        guard isGzip(data) else { throw fail.error("not a gzip stream (expected magic bytes 1f 8b)") }
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip wrapper (header and CRC-32 trailer) around the deflate data.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw fail.error("zlib could not initialise a decompressor")
        }
        defer { inflateEnd(&stream) }

        var output = Data()
        let chunkSize = 1 << 20
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        let input = [UInt8](data)
        try input.withUnsafeBufferPointer { inputBuffer in
            guard let base = inputBuffer.baseAddress else { return }
            stream.next_in = UnsafeMutablePointer(mutating: base)
            stream.avail_in = 0
            var remaining = inputBuffer.count
            while true {
                if stream.avail_in == 0 && remaining > 0 {
                    let take = min(remaining, Int(UInt32.max >> 1))
                    stream.avail_in = UInt32(take)
                    remaining -= take
                }
                let status: Int32 = chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunkSize - Int(stream.avail_out)
                guard output.count <= limits.maxDecompressedBytes - produced else {
                    throw fail.error("decompresses to more than the limit of \(limits.maxDecompressedBytes) bytes")
                }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END:
                    let left = Int(stream.avail_in) + remaining
                    if left == 0 { return }
                    // Another gzip member may follow; anything else is trailing garbage.
                    let offset = inputBuffer.count - left
                    guard left >= 2, inputBuffer[offset] == 0x1f, inputBuffer[offset + 1] == 0x8b else {
                        throw fail.error("\(left) bytes of trailing data after the end of the gzip stream")
                    }
                    guard inflateReset(&stream) == Z_OK else { throw fail.error("zlib could not restart for the next gzip member") }
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0 && remaining == 0 && produced == 0:
                    throw fail.error("gzip stream is truncated (ends before its end marker)")
                case Z_BUF_ERROR:
                    continue
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw fail.error("corrupt gzip stream: \(reason)")
                }
            }
        }
        return output
    }

    /// Compresses `data` into a gzip stream (used for fixtures and for writing `.gz` outputs).
    public static func compress(_ data: Data, level: Int32 = Z_DEFAULT_COMPRESSION) throws -> Data {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                            zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw FileFormatError(path: "<memory>", format: "gzip", message: "zlib could not initialise a compressor")
        }
        defer { deflateEnd(&stream) }
        var input = [UInt8](data)
        let bound = Int(deflateBound(&stream, UInt(input.count)))
        var output = [UInt8](repeating: 0, count: bound + 64)
        let status: Int32 = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(outBuffer.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else {
            throw FileFormatError(path: "<memory>", format: "gzip", message: "zlib compression failed with status \(status)")
        }
        return Data(output[0..<Int(stream.total_out)])
    }
}
