import InvLabIO

/// SHA-256 of text, hex encoded (spec hashes, cache keys).
public enum InvLabIOHash {
    public static func sha256(_ text: String) -> String { SHA256.hexDigest(of: Array(text.utf8)) }
}
