import Foundation
import InvLabTensor

/// Values a model derives from its initializers once and keeps for every later run: the Winograd
/// transforms of its 3x3 convolution kernels (`WinogradKernel`), which would otherwise be
/// recomputed at every forward and backward pass of an attack on the same frozen weights.
///
/// Safe to share between runs and copies of the model: an `ONNXModel`'s initializers never
/// change after loading. A run that replaces a weight (fine-tuning feeds tracked `Var`s) does not
/// use the kept value for it (`NodeContext.frozenInitializer`). @unchecked Sendable: the table is
/// only read and written under `lock`.
final class DerivedWeights: @unchecked Sendable {
    private let lock = NSLock()
    private var kernels: [String: WinogradKernel] = [:]

    /// The kept kernel for `key`, made by `make` the first time.
    func winograd(_ key: String, _ make: () -> WinogradKernel) -> WinogradKernel {
        if let kept = lock.withLock({ kernels[key] }) { return kept }
        let made = make()
        lock.withLock { kernels[key] = made }
        return made
    }
}
