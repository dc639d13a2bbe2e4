// swift-tools-version:6.0
// A team's own package that adds a defense to InversionLab without forking it (README,
// "Add a defense"). `scripts/test_extension.sh` links `.deps/InversionLab` to the repository
// and builds this package.
import PackageDescription

let package = Package(
    name: "TeamDefense",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".deps/InversionLab"),
    ],
    targets: [
        // The new plugin module: depends on InversionLab's library product only.
        .target(name: "TemperatureDefense", dependencies: [.product(name: "InversionLab", package: "InversionLab")]),
        // The team's `invlab`: the built-in plugins plus the new module.
        .executableTarget(name: "team-invlab", dependencies: ["TemperatureDefense", .product(name: "InversionLab", package: "InversionLab")]),
    ],
    swiftLanguageModes: [.v5]
)
