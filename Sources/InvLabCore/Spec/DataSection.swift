import InvLabSpec

/// Size and colour of the images every model sees; unset fields keep the source's own.
public struct ImageSizeConfig: SpecConfig, Equatable, Sendable {
    public var height: Int? = nil
    public var width: Int? = nil
    public var channels: Int? = nil

    public init() {}

    public static var fields: [SpecField<Self>] { [
        SpecField("height", \.height, doc: "Image height in pixels after resizing (default: the source's).",
                  check: { $0.map { (4...4096).contains($0) ? nil : "expected an integer in [4, 4096], got \($0)" } ?? nil }),
        SpecField("width", \.width, doc: "Image width in pixels after resizing (default: the source's).",
                  check: { $0.map { (4...4096).contains($0) ? nil : "expected an integer in [4, 4096], got \($0)" } ?? nil }),
        SpecField("channels", \.channels, doc: "1 (grey) or 3 (RGB); default: the source's.",
                  check: { $0.map { $0 == 1 || $0 == 3 ? nil : "expected 1 or 3 channels, got \($0)" } ?? nil }),
    ] }
}

/// The `data:` section: which dataset, at what size, and how it is split.
public struct DataSection: SpecConfig, Equatable, Sendable {
    public var source = PluginNode(id: "")
    public var publicSource: PluginNode? = nil
    public var image = ImageSizeConfig()
    public var trainPerIdentity = 7
    public var testPerIdentity: Int? = nil
    public var publicIdentities = 0
    public var privateIdentities: Int? = nil

    public init() {}

    public static var fields: [SpecField<Self>] { [
        SpecField("source", \.source, doc: "The dataset plugin that provides the faces (e.g. {type: orl}).", required: true),
        SpecField("public_source", \.publicSource,
                  doc: "Another dataset whose identities form the public set (priors, generators); default: public identities are held out of `source`."),
        SpecField("image", \.image, doc: "Size and channels every model sees."),
        SpecField("train_per_identity", \.trainPerIdentity,
                  doc: "Training images per private identity; the rest (or test_per_identity of them) are the test split.", range: 1...100_000),
        SpecField("test_per_identity", \.testPerIdentity, doc: "Test images per private identity (default: all not used for training).",
                  check: { $0.map { $0 >= 1 ? nil : "expected an integer >= 1, got \($0)" } ?? nil }),
        SpecField("public_identities", \.publicIdentities,
                  doc: "Identities of `source` held out as the public set, chosen by the seed and never among the private ones.", range: 0...100_000),
        SpecField("private_identities", \.privateIdentities,
                  doc: "Use only this many private identities (chosen by the seed; default: all that are not public).",
                  check: { $0.map { $0 >= 2 ? nil : "expected an integer >= 2, got \($0)" } ?? nil }),
    ] }
}

/// The `output:` section.
public struct OutputSection: SpecConfig, Equatable, Sendable {
    public var directory = "runs"
    public var images = true
    public var report = true
    public var cache: String? = nil
    /// Identities per work unit of a sharded run; nil: one unit per trial.
    public var chunk: Int? = nil

    public init() {}

    public static var fields: [SpecField<Self>] { [
        SpecField("directory", \.directory, doc: "Parent of run directories (`<directory>/<name>/<timestamp>`), relative to the current directory; `--out` overrides it."),
        SpecField("images", \.images, doc: "Write PNG grids and reconstructions.npy for every trial."),
        SpecField("report", \.report, doc: "Write plots and report.html at the end of the run."),
        SpecField("cache", \.cache, doc: "Directory of trained models shared between runs (default: `INVLAB_CACHE_DIR`, else `<directory>/.cache`)."),
        SpecField("chunk", \.chunk, doc: "Attacked identities per work unit when a run is split into shards (`invlab run --shard`, `invlab slurm submit`); default: one unit per trial. `--chunk` overrides it. The tables do not depend on it.",
                  check: { chunk in chunk.map { $0 >= 1 ? nil : "expected at least 1 identity per unit, got \($0)" } ?? nil }),
    ] }

    /// A spec must not make the tool write outside the places the user chose: its output and
    /// cache directories are relative paths without `..`, resolved against the current directory
    /// (use `--out` or INVLAB_CACHE_DIR for other places).
    public func validate(at path: SpecPath, node: Node, context: inout DecodingContext) {
        for (key, value) in [("directory", Optional(directory)), ("cache", cache)] {
            guard let value else { continue }
            if value.hasPrefix("/") || value.hasPrefix("~") || value.split(separator: "/").contains("..") || value.isEmpty {
                context.error("output.\(key) must be a relative path inside the current directory, got '\(value)'",
                              at: node[key] ?? node, path: path.appending(key),
                              notes: ["use `invlab run --out DIR` (or INVLAB_CACHE_DIR) to write elsewhere"])
            }
        }
    }
}
