import Foundation
import InvLabIO
import InvLabSpec
import InvLabTensor

/// A spec's prepared data as one safetensors file, so that a model trained outside invlab (e.g. in
/// PyTorch, then imported with the `onnx` recognizer) is trained on exactly the private training
/// faces, in exactly the class order, that invlab's judges and metrics use for that spec.
///
/// Tensors (all F32): `<split>.images` (N x C x H x W, values in [0, 1], after the spec's resizing
/// and channel conversion) and `<split>.labels` (N, class indices as whole numbers) for the splits
/// `private_train`, `private_test` and `public` (a split without images is left out). Metadata:
/// `class_names` and `public_class_names` (JSON arrays; class k of every model is
/// `class_names[k]`, `public.labels` index `public_class_names`), `image_shape` (JSON array),
/// `source`, `synthetic` ("true"/"false") and every entry of the split description prefixed `split.`.
public enum DataExport {
    /// The splits in file order, with the names the tensors carry.
    public static let splits = ["private_train", "private_test", "public"]

    /// The tensors and metadata of `data`.
    public static func contents(_ data: ExperimentData) -> (tensors: [NamedTensor], metadata: [String: String]) {
        var tensors: [NamedTensor] = []
        for (name, set) in zip(splits, [data.privateTrain, data.privateTest, data.publicSet]) where set.count > 0 {
            tensors.append(NamedTensor(name: name + ".images", tensor: set.images))
            tensors.append(NamedTensor(name: name + ".labels", tensor: Tensor(shape: [set.count], scalars: set.labels.map(Float.init))))
        }
        func jsonArray(_ items: [String]) -> String { JSONValue.array(items.map { .string($0) }).serialized(pretty: false) }
        var metadata: [String: String] = [
            "class_names": jsonArray(data.classNames),
            "public_class_names": jsonArray(data.publicClassNames),
            "image_shape": JSONValue.array(data.imageShape.map { .integer($0) }).serialized(pretty: false),
            "source": data.source,
            "synthetic": data.isSynthetic ? "true" : "false",
        ]
        for (key, value) in data.splitDescription { metadata["split." + key] = value }
        return (tensors, metadata)
    }

    /// Writes `contents(data)` to `url` atomically, with `extra` metadata (e.g. the spec's path).
    public static func write(_ data: ExperimentData, to url: URL, metadata extra: [String: String] = [:]) throws {
        let (tensors, metadata) = contents(data)
        try Safetensors.write(tensors, metadata: metadata.merging(extra) { _, new in new }, to: url)
    }
}
