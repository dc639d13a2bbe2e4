// swift-tools-version:6.0
//
// InversionLab: model inversion attacks and defenses for image classifiers, driven by YAML specs.
//
// Layout (see README.md, "Architecture"):
//   Sources/  the engine: C system libraries, Spec (YAML), Tensor (autodiff), IO (file formats),
//             NN (layers, architectures, training), Core (plugin protocols, runner, results),
//             Builtins (one list of every plugin module), CLI (the `invlab` commands) and the executable.
//   Plugins/  experiment plugins, one ordinary library target per plugin kind. These are NOT SwiftPM
//             build or command plugins; they are regular Swift modules that register Dataset,
//             Recognizer, Generator, Regularizer, Optimizer, Attack, Defense and Metric
//             implementations with the Core through one `register(into:)` function each.
//   Tests/    Swift Testing suites, one per module.
import PackageDescription

/// A plugin library under `Plugins/<folder>` that depends on the Core, plus `extra`: engine modules, or
/// the plugin module that declares an attachment type it reads (see `AttachmentProviding`).
func pluginTarget(_ name: String, folder: String, extra: [Target.Dependency] = []) -> Target {
    .target(name: name, dependencies: ["InvLabCore"] + extra, path: "Plugins/\(folder)")
}

let package = Package(
    name: "InversionLab",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "invlab", targets: ["invlab"]),
        // Depend on this product to write your own plugin module and build an `invlab` that has it
        // (docs/extending.md). The plugin modules are part of it, so that a new plugin can reuse
        // their public building blocks (e.g. InvLabDefenses' DefendedOutputModel).
        .library(name: "InversionLab", targets: [
            "InvLabJSON", "InvLabSpec", "InvLabTensor", "InvLabIO", "InvLabNN", "InvLabCore", "InvLabBuiltins", "InvLabCLI",
            "InvLabDatasets", "InvLabRecognizers", "InvLabGenerators", "InvLabRegularizers", "InvLabOptimizers",
            "InvLabAttacks", "InvLabDefenses", "InvLabMetrics", "InvLabJudges", "InvLabDummyRecognizer",
            "InvLabONNX",
        ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // MARK: C system libraries (Debian -dev packages)
        .systemLibrary(name: "InvLabCYAML", path: "Sources/InvLabCYAML", pkgConfig: "yaml-0.1",
                       providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "InvLabCBLAS", path: "Sources/InvLabCBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "InvLabCPNG", path: "Sources/InvLabCPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "InvLabCTurboJPEG", path: "Sources/InvLabCTurboJPEG", pkgConfig: "libturbojpeg",
                       providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "InvLabCLibc", path: "Sources/InvLabCLibc"),
        .systemLibrary(name: "InvLabCZlib", path: "Sources/InvLabCZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),

        // MARK: Engine
        .target(name: "InvLabJSON"),
        .target(name: "InvLabSpec", dependencies: ["InvLabCYAML", "InvLabJSON"]),
        .target(name: "InvLabTensor", dependencies: ["InvLabCBLAS", "InvLabCLibc"]),
        .target(name: "InvLabIO", dependencies: ["InvLabTensor", "InvLabJSON", "InvLabCPNG", "InvLabCTurboJPEG", "InvLabCZlib"]),
        .target(name: "InvLabNN", dependencies: ["InvLabTensor", "InvLabIO"]),
        .target(name: "InvLabBench", dependencies: ["InvLabNN", "InvLabIO", "InvLabONNX"]),
        // ONNX models: parsing (generated from onnx.proto), checking, and execution on the engine's autodiff.
        .target(name: "InvLabONNX", dependencies: ["InvLabTensor", "InvLabIO", "InvLabNN", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .target(name: "InvLabCore", dependencies: ["InvLabSpec", "InvLabTensor", "InvLabIO", "InvLabNN"]),

        // MARK: Plugins (ordinary library targets, one per kind; not SwiftPM plugins)
        pluginTarget("InvLabDatasets", folder: "Datasets", extra: ["InvLabTensor", "InvLabIO", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        pluginTarget("InvLabRecognizers", folder: "Recognizers", extra: ["InvLabONNX", "InvLabIO"]),
        pluginTarget("InvLabGenerators", folder: "Generators"),
        pluginTarget("InvLabRegularizers", folder: "Regularizers", extra: ["InvLabGenerators"]),
        pluginTarget("InvLabOptimizers", folder: "Optimizers"),
        pluginTarget("InvLabAttacks", folder: "Attacks", extra: ["InvLabGenerators"]),
        pluginTarget("InvLabDefenses", folder: "Defenses"),
        pluginTarget("InvLabMetrics", folder: "Metrics", extra: ["InvLabDummyRecognizer", "InvLabAttacks"]),
        pluginTarget("InvLabJudges", folder: "Judges"),
        // The article's defense, kept in its own module as the worked example of adding a defense.
        pluginTarget("InvLabDummyRecognizer", folder: "DummyRecognizer"),

        // MARK: Assembly
        .target(name: "InvLabBuiltins", dependencies: [
            "InvLabCore", "InvLabDatasets", "InvLabRecognizers", "InvLabGenerators", "InvLabRegularizers",
            "InvLabOptimizers", "InvLabAttacks", "InvLabDefenses", "InvLabMetrics", "InvLabDummyRecognizer", "InvLabJudges",
        ]),
        .target(name: "InvLabCLI", dependencies: [
            "InvLabCore", "InvLabBuiltins", "InvLabBench", "InvLabONNX", "InvLabDummyRecognizer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "invlab", dependencies: ["InvLabCLI"]),

        // MARK: Tests
        // Helpers shared by the test targets (`expectClose`).
        .target(name: "InvLabTestSupport", dependencies: ["InvLabTensor"], path: "Tests/InvLabTestSupport"),
        .testTarget(name: "InvLabSpecTests", dependencies: ["InvLabSpec"]),
        .testTarget(name: "InvLabTensorTests", dependencies: ["InvLabTensor"]),
        .testTarget(name: "InvLabIOTests", dependencies: ["InvLabIO"]),
        .testTarget(name: "InvLabNNTests", dependencies: ["InvLabNN", "InvLabJSON", "InvLabTestSupport"]),
        .testTarget(name: "InvLabONNXTests", dependencies: [
            "InvLabONNX", "InvLabTestSupport", "InvLabTensor", "InvLabIO", "InvLabNN", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ]),
        .testTarget(name: "InvLabDatasetsTests", dependencies: ["InvLabDatasets"]),
        .testTarget(name: "InvLabCoreTests", dependencies: ["InvLabCore", "InvLabIO", "InvLabTestSupport", "InvLabBuiltins", "InvLabCLI", "InvLabONNX", "InvLabDummyRecognizer", "InvLabNN", "InvLabTensor"]),
        // One target for every plugin module's tests, one sub-folder per module.
        .testTarget(name: "InvLabPluginsTests", dependencies: [
            "InvLabTestSupport", "InvLabCore", "InvLabBuiltins", "InvLabDatasets", "InvLabRecognizers", "InvLabGenerators", "InvLabRegularizers",
            "InvLabOptimizers", "InvLabAttacks", "InvLabDefenses", "InvLabMetrics", "InvLabDummyRecognizer", "InvLabJudges",
            "InvLabONNX", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
