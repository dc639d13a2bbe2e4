import Foundation
import InvLabIO
import Testing

@Suite("gzip through zlib")
struct GzipTests {
    let sample = Data((0..<50_000).map { UInt8(truncatingIfNeeded: $0 % 251) })

    @Test("round trip and magic detection")
    func roundTrip() throws {
        let packed = try Gzip.compress(sample)
        #expect(Gzip.isGzip(packed))
        #expect(!Gzip.isGzip(sample))
        #expect(try Gzip.decompress(packed, path: "a.gz") == sample)
    }

    @Test("concatenated members decompress one after the other")
    func concatenated() throws {
        let packed = try Gzip.compress(Data("hello ".utf8)) + Gzip.compress(Data("world".utf8))
        #expect(try Gzip.decompress(packed, path: "two.gz") == Data("hello world".utf8))
    }

    @Test("truncated stream")
    func truncated() throws {
        let packed = try Gzip.compress(sample)
        expectError("cut.gz: gzip stream is truncated (ends before its end marker)") {
            _ = try Gzip.decompress(packed.prefix(packed.count / 2), path: "cut.gz")
        }
    }

    @Test("corrupt stream")
    func corrupt() throws {
        var packed = try Gzip.compress(sample)
        packed[packed.count - 5] ^= 0xFF  // inside the CRC-32 trailer
        expectError("bad.gz: corrupt gzip stream: incorrect data check") {
            _ = try Gzip.decompress(packed, path: "bad.gz")
        }
        var header = try Gzip.compress(sample)
        header[2] = 7  // compression method other than deflate
        expectError("bad.gz: corrupt gzip stream: unknown compression method") {
            _ = try Gzip.decompress(header, path: "bad.gz")
        }
    }

    @Test("output cap, trailing garbage, not gzip")
    func limits() throws {
        let packed = try Gzip.compress(Data(count: 100_000))
        expectError("bomb.gz: decompresses to more than the limit of 1000 bytes") {
            _ = try Gzip.decompress(packed, path: "bomb.gz", limits: ReadLimits(maxDecompressedBytes: 1000))
        }
        expectError("tail.gz: 3 bytes of trailing data after the end of the gzip stream") {
            _ = try Gzip.decompress(try Gzip.compress(sample) + Data([1, 2, 3]), path: "tail.gz")
        }
        expectError("plain.txt: not a gzip stream (expected magic bytes 1f 8b)") {
            _ = try Gzip.decompress(Data("text".utf8), path: "plain.txt")
        }
    }
}
