import Foundation

/// The one error every reader in `InvLabIO` throws for a malformed or unsupported file.
///
/// Readers are hardened against hostile input (they are fuzzed): a file that is truncated,
/// oversized, inconsistent or simply not what it claims to be never traps, it becomes this
/// error. The description always starts with the file, so a user can find it:
/// `data/orl/s1/1.pgm: PGM pixel payload is 10317 bytes, expected 92*112*1 = 10304`.
public struct FileFormatError: Error, CustomStringConvertible, LocalizedError, Equatable, Sendable {
    /// The file (or a label such as `<memory>` for in-memory data) the error is about.
    public var path: String
    /// Short format name: `PGM`, `PPM`, `PNG`, `JPEG`, `image`, `IDX`, `gzip`, `NPY`, `safetensors`.
    public var format: String
    /// The tensor inside a multi-tensor file (safetensors) the error is about, if any.
    public var tensorName: String?
    /// What was wrong and what was expected, without the path.
    public var message: String

    public init(path: String, format: String, tensorName: String? = nil, message: String) {
        self.path = path
        self.format = format
        self.tensorName = tensorName
        self.message = message
    }

    /// `path: [tensor 'name': ]message`.
    public var description: String {
        if let tensorName { return "\(path): tensor '\(tensorName)': \(message)" }
        return "\(path): \(message)"
    }

    public var errorDescription: String? { description }
}

/// Builds errors for one file and format, so readers stay short: `fail.error("...")`.
struct FormatErrorFactory: Sendable {
    let path: String
    let format: String

    func error(_ message: String, tensor: String? = nil) -> FileFormatError {
        FileFormatError(path: path, format: format, tensorName: tensor, message: message)
    }
}
