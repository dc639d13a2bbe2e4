import Foundation

/// File path arithmetic for `inherit:`: names are relative to the directory of the file that
/// names them; cycles are detected on absolute, symlink-resolved paths.
enum SpecFilePaths {
    /// `name` resolved against the directory of `referringFile`, normalised lexically
    /// (`a/./b/../c.yaml` -> `a/c.yaml`); stays relative when both are relative.
    static func resolve(_ name: String, relativeTo referringFile: String) -> String {
        if name.hasPrefix("/") { return normalize(name) }
        let directory = (referringFile as NSString).deletingLastPathComponent
        return normalize(directory.isEmpty ? name : directory + "/" + name)
    }

    /// The absolute form of `path` (relative paths are taken from the current directory).
    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return normalize(path) }
        return normalize(FileManager.default.currentDirectoryPath + "/" + path)
    }

    /// The absolute path with symbolic links resolved: the identity of a file for cycle checks.
    static func identity(_ path: String) -> String {
        URL(fileURLWithPath: absolute(path)).resolvingSymlinksInPath().path
    }

    /// Removes `.` components, empty components and `name/..` pairs.
    static func normalize(_ path: String) -> String {
        let isAbsolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if part == "..", isAbsolute {
                continue
            } else {
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        return isAbsolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }
}
