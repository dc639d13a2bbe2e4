import Foundation

/// The text of every file the loader read, so that diagnostics can quote the offending line.
///
/// A reference type shared by the loader, the composer and whoever renders errors; it is
/// thread-safe (guarded by a lock). The `--set` pseudo-file collects one line per override.
///
/// @unchecked Sendable: shared by the loader, the composer and error rendering; `lock` guards
/// `linesByFile` (every read and write).
public final class SourceCache: @unchecked Sendable {
    private let lock = NSLock()
    private var linesByFile: [String: [String]] = [:]

    /// Creates an empty cache.
    public init() {}

    /// Records the full text of `file` (replacing any earlier text).
    public func store(text: String, for file: String) {
        let lines = SourceCache.splitLines(text)
        lock.lock()
        linesByFile[file] = lines
        lock.unlock()
    }

    /// Appends one line to `file` and returns its 1-based line number (used for `--set`).
    public func appendLine(_ line: String, to file: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        var lines = linesByFile[file] ?? []
        lines.append(line)
        linesByFile[file] = lines
        return lines.count
    }

    /// The 1-based `line` of `file`, without its line break; nil if unknown.
    public func line(_ line: Int, in file: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        guard let lines = linesByFile[file], line >= 1, line <= lines.count else { return nil }
        return lines[line - 1]
    }

    /// Every line of `file`, without line breaks; nil if unknown.
    public func lines(of file: String) -> [String]? {
        lock.lock()
        defer { lock.unlock() }
        return linesByFile[file]
    }

    /// The files whose text is known, sorted.
    public var files: [String] {
        lock.lock()
        defer { lock.unlock() }
        return linesByFile.keys.sorted()
    }

    /// Splits on the line breaks libyaml counts (LF, CRLF, CR, NEL, LS, PS) so that line numbers
    /// agree with the parser's marks; a leading byte-order mark is dropped.
    static func splitLines(_ text: String) -> [String] {
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\r" && index + 1 < scalars.count && scalars[index + 1] == "\n" {
                index += 1
            }
            if ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains(scalar) {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
            index += 1
        }
        lines.append(String(current))
        return lines
    }
}
