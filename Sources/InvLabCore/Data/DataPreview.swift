import Foundation
import InvLabTensor

/// A contact sheet of the images a spec feeds to its models, after loading, conversion to the
/// spec's image size and the identity splits: one row per identity, one column per image. It is
/// how a user checks their own `image_folder` crops, and how the README's grid of synthetic faces
/// is made (`invlab data preview`).
public enum DataPreview {
    /// Which part of the split to show.
    public enum Split: String, CaseIterable, Sendable {
        case privateTrain = "private_train"
        case privateTest = "private_test"
        case `public` = "public"
    }

    /// The grid (`C x H x W`, values in [0, 1]) of the first `identities` identities of `split`
    /// with up to `images` images each (fewer when an identity has fewer), and the names of the
    /// identities shown. Throws when the split is empty.
    public static func grid(_ data: ExperimentData, split: Split, identities: Int, images: Int) throws -> (grid: Tensor, names: [String]) {
        let set: LabeledSet, names: [String]
        switch split {
        case .privateTrain: (set, names) = (data.privateTrain, data.classNames)
        case .privateTest: (set, names) = (data.privateTest, data.classNames)
        case .public: (set, names) = (data.publicSet, data.publicClassNames)
        }
        let shown = Array(Set(set.labels)).sorted().prefix(identities)
        guard !shown.isEmpty else {
            throw DataError("the \(split.rawValue) split of this spec has no images; choose another with --split (\(Split.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let columns = max(1, shown.map { label in min(images, set.labels.filter { $0 == label }.count) }.max() ?? 1)
        let blank = Tensor(repeating: 1, shape: data.imageShape)
        var tiles: [Tensor] = []
        for label in shown {
            let faces = set.images(ofClass: label)
            for column in 0..<columns {
                tiles.append(column < faces.shape[0]
                    ? faces.slice(alongAxis: 0, column..<(column + 1)).reshaped(data.imageShape)
                    : blank)
            }
        }
        return (ImageGrid.tile(tiles, columns: columns), shown.map { names[$0] })
    }
}
