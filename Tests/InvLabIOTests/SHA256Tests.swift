import Foundation
import InvLabIO
import Testing

@Suite("SHA-256 against FIPS 180-4 test vectors")
struct SHA256Tests {
    @Test("known digests", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func knownVector(message: String, digest: String) {
        #expect(SHA256.hexDigest(of: Array(message.utf8)) == digest)
    }

    @Test("one million 'a' fed in uneven chunks")
    func millionA() {
        var hasher = SHA256()
        var remaining = 1_000_000
        var chunk = 1
        while remaining > 0 {
            let size = min(chunk, remaining)
            hasher.update([UInt8](repeating: UInt8(ascii: "a"), count: size))
            remaining -= size
            chunk = chunk * 3 + 7
        }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        #expect(digest == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("file digest equals in-memory digest")
    func fileDigest() throws {
        let directory = try makeTemporaryDirectory()
        defer { cleanUp(directory) }
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let url = directory.appendingPathComponent("blob.bin")
        try AtomicFile.write(Data(bytes), to: url)
        #expect(try SHA256.hexDigest(ofFileAt: url) == SHA256.hexDigest(of: bytes))
    }
}
