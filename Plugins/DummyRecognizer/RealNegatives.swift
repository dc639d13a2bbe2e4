import InvLabCore
import InvLabSpec
import InvLabTensor

/// Which real faces the dummy recognizer f' is trained to stay low (uniform) on: the
/// `real_negatives` key.
///
/// The extended version (Kotsuji & Nakamura, SCITEPRESS 2025) observes that a dummy trained on
/// synthetic faces alone stays confident on real faces too and then overrides f, and trains it
/// with real faces pushed toward a low output. It names public faces; the defender also owns the
/// private training faces, which a small public set may not represent well.
public enum RealNegatives: String, SpecEnum, Sendable {
    /// Synthetic faces only.
    case none
    /// The public split (needs `data.public_identities` or `data.public_source`).
    case publicFaces = "public"
    /// The private training split.
    case privateTrain = "private_train"
    /// Both.
    case publicAndPrivateTrain = "public_and_private_train"

    /// The real faces of `data` this choice names (nil for `none`); labels stay distinct per
    /// person (public labels follow the private ones) so that same-person augmentation holds.
    func faces(_ data: ExperimentData) throws -> LabeledSet? {
        if self == .publicFaces || self == .publicAndPrivateTrain, data.publicSet.count == 0 {
            throw DummyRecognizerError("dummy_recognizer: real_negatives: \(rawValue) needs real public faces, but the data has no public set (set data.public_identities or data.public_source, or real_negatives: private_train or none)")
        }
        switch self {
        case .none: return nil
        case .publicFaces: return data.publicSet
        case .privateTrain: return data.privateTrain
        case .publicAndPrivateTrain:
            return LabeledSet(images: Tensor.concatenate([data.privateTrain.images, data.publicSet.images], alongAxis: 0),
                              labels: data.privateTrain.labels + data.publicSet.labels.map { $0 + data.classes })
        }
    }
}
