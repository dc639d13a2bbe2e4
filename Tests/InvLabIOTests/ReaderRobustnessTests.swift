import Foundation
import InvLabIO
import InvLabTensor
import Testing

/// A tiny deterministic generator for mutations (xorshift64*).
struct MutationRandom {
    var state: UInt64
    mutating func next(_ bound: Int) -> Int {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return Int((state &* 0x2545_F491_4F6C_DD1D) >> 1) % max(bound, 1)
    }
}

/// Every reader must turn damaged input into a thrown error, never a crash: each valid sample
/// is truncated, bit-flipped, extended and has its size fields overwritten with extreme values.
@Suite("Readers survive mutated input")
struct ReaderRobustnessTests {
    static func samples() throws -> [(String, Data, (Data) throws -> Void)] {
        let grey = try Image(width: 5, height: 4, channels: 1, pixels: (0..<20).map { Float($0) / 20 })
        let colour = try grey.converted(toChannels: 3)
        let idx = Data([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8])
        let tensor = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let image: (Data) throws -> Void = { _ = try ImageDecoder.decode(data: $0, path: "m") }
        return [
            ("P5", PNMCodec.encode(grey), image),
            ("P6", PNMCodec.encode(colour), image),
            ("P2", Data("P2\n# c\n3 2\n255\n0 1 2\n3 4 5\n".utf8), image),
            ("PNG", try PNGCodec.encode(colour), image),
            ("JPEG", JPEGFixture.make(width: 16, height: 16, grey: false) { x, y, c in UInt8((x * 9 + y * 5 + c) % 256) }, image),
            ("IDX", idx, { _ = try IDXReader.decodeTensor($0, path: "m") }),
            ("IDX.gz", try Gzip.compress(Data([0, 0, 8, 1, 0, 0, 0, 4, 1, 2, 3, 4])), { _ = try IDXReader.decodeLabels($0, path: "m") }),
            ("NPY", NPYFile.encode(tensor), { _ = try NPYFile.decode($0, path: "m") }),
            ("safetensors", try Safetensors.encode(["a": tensor, "b": tensor]), { _ = try Safetensors.decode($0, path: "m") }),
        ]
    }

    /// 500 per format, or `INVLAB_FUZZ_ROUNDS` for a longer local run.
    static let rounds = Int(ProcessInfo.processInfo.environment["INVLAB_FUZZ_ROUNDS"] ?? "") ?? 500

    @Test("500 mutations of each format (INVLAB_FUZZ_ROUNDS to change)")
    func mutations() throws {
        var random = MutationRandom(state: UInt64(Self.rounds) &* 0x9E37_79B9_7F4A_7C15 | 1)
        let extremes: [UInt8] = [0x00, 0x01, 0x7F, 0x80, 0xFF]
        for (name, original, decode) in try Self.samples() {
            try decode(original)  // the unmutated sample is valid
            var accepted = 0
            for round in 0..<Self.rounds {
                var bytes = [UInt8](original)
                switch round % 4 {
                case 0:
                    bytes = Array(bytes.prefix(random.next(bytes.count)))
                case 1:
                    for _ in 0...random.next(4) where !bytes.isEmpty {
                        bytes[random.next(bytes.count)] ^= UInt8(1 << random.next(8))
                    }
                case 2:
                    let at = random.next(bytes.count + 1)
                    bytes.insert(contentsOf: (0..<(1 + random.next(8))).map { _ in UInt8(random.next(256)) }, at: at)
                default:
                    // Overwrite a run in the first 24 bytes (where sizes live) with extreme values.
                    let start = random.next(min(24, bytes.count))
                    for offset in start..<min(bytes.count, start + 1 + random.next(8)) {
                        bytes[offset] = extremes[random.next(extremes.count)]
                    }
                }
                if (try? decode(Data(bytes))) != nil { accepted += 1 }
            }
            #expect(accepted < Self.rounds, "\(name): every mutation was accepted, the reader checks nothing")
        }
    }
}
