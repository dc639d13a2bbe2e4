import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabIO
import Testing

@Suite("invlab data export", .enabled(if: invlabBinary != nil, "set INVLAB_BINARY to a release invlab (make test does)"))
struct DataExportCommandTests {
    /// The tiny spec with one public identity and a target whose ONNX file does not exist yet: the
    /// data are exported to train that model, so the missing model must not stop the export.
    static let spec = tinySpec
        .replacingOccurrences(of: "  train_per_identity: 3\n", with: "  train_per_identity: 3\n  public_identities: 1\n")
        .replacingOccurrences(of: "target: {type: softmax_regression, train: {epochs: 3, batch_size: 4}}",
                              with: "target: {type: onnx, path: not_trained_yet.onnx, classes: 3}")

    @Test("Writes the spec's splits, in its class order, exactly as a run prepares them, before the target's model exists")
    func export() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": Self.spec])
        defer { fixture.remove() }
        let directory = fixture.directory
        let (status, errors) = try InvlabProcess(["data", "export", "spec.yaml", "--out", "out/faces.safetensors"], directory: directory).finish()
        #expect(status == 0, "\(errors)")
        let file = try Safetensors.read(contentsOf: directory.appendingPathComponent("out/faces.safetensors"))
        #expect(file.names == ["private_test.images", "private_test.labels", "private_train.images", "private_train.labels",
                               "public.images", "public.labels"])

        // What a run trains and judges on: the same spec prepared in this process.
        let loaded = try SpecLoader.load(file: directory.appendingPathComponent("spec.yaml").path, registries: try Builtins.registries(), inputs: .data)
        let data = try DataPreparation.prepareFirstTrial(loaded, registries: try Builtins.registries(), environment: .ephemeral(dataDirectory: directory))
        #expect(data.classes == 3 && data.privateTrain.count == 9 && data.publicSet.count == 4)
        for (name, set) in [("private_train", data.privateTrain), ("private_test", data.privateTest), ("public", data.publicSet)] {
            #expect(file[name + ".images"] == set.images, "\(name)")
            #expect(file[name + ".labels"]?.scalars == set.labels.map(Float.init), "\(name)")
        }
        #expect(file[ "private_train.images"]?.shape == [9, 1, 16, 12])
        #expect(file.metadata["class_names"] == "[" + data.classNames.map { "\"\($0)\"" }.joined(separator: ",") + "]")
        #expect(file.metadata["public_class_names"] == "[\"\(data.publicClassNames[0])\"]")
        #expect(file.metadata["image_shape"] == "[1,16,12]")
        #expect(file.metadata["synthetic"] == "true")
        #expect(file.metadata["spec"] == directory.appendingPathComponent("spec.yaml").standardizedFileURL.path)

        // The run itself still needs the model.
        let (runStatus, runErrors) = try InvlabProcess(["validate", "spec.yaml"], directory: directory).finish()
        #expect(runStatus == 64)
        #expect(runErrors.contains("error: file 'not_trained_yet.onnx' does not exist"), "\(runErrors)")
    }

    @Test("--out must be a .safetensors file; nothing is written otherwise")
    func badOut() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": Self.spec])
        defer { fixture.remove() }
        let (status, errors) = try InvlabProcess(["data", "export", "spec.yaml", "--out", "faces.npz"], directory: fixture.directory).finish()
        #expect(status == 64)
        #expect(errors.contains("--out must name a .safetensors file, got 'faces.npz'"), "\(errors)")
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.appendingPathComponent("faces.npz").path))
    }
}
