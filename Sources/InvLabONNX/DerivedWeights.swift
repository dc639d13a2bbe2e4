import Foundation
import InvLabTensor

/// Values a model derives from its initializers once and keeps for every later run: the Winograd
/// transforms of its 3x3 convolution kernels (`WinogradKernel`) and the convolutions with their
/// batch normalisation folded in (`BatchNormFolding`), which would otherwise be recomputed at
/// every forward and backward pass of an attack on the same frozen weights.
///
/// Safe to share between runs and copies of the model: an `ONNXModel`'s initializers never
/// change after loading. A run that replaces a weight (fine-tuning feeds tracked `Var`s) does not
/// use the kept value for it (`NodeContext.keptWeightKey` is nil then). @unchecked Sendable: the table is
/// only read and written under `lock`.
final class DerivedWeights: @unchecked Sendable {
    private let lock = NSLock()
    private var kept: [String: any Sendable] = [:]

    /// The value kept for `key`, made by `make` the first time. Keys name what they derive from
    /// ("winograd:" + weight, "folded:" + convolution output), so one key has one type.
    func value<T: Sendable>(_ key: String, _ make: () -> T) -> T {
        if let value = lock.withLock({ kept[key] }) as? T { return value }
        let made = make()
        lock.withLock { kept[key] = made }
        return made
    }
}
