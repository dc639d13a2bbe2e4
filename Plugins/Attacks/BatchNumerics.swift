import Foundation
import InvLabTensor

// Whole-batch numerics of the attack loop that run every step: the Gaussian directions of the
// black-box gradient estimate.

extension Tensor {
    /// Standard normal samples by the Box-Muller transform, both outputs of every pair used (the
    /// black-box attack draws millions per step; `Tensor.normal` keeps one of each pair).
    static func standardNormals(_ shape: [Int], generator: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape, unsafeUninitialized: { buffer in
            var index = 0
            while index < buffer.count {
                let u1 = Swift.max(generator.nextUniform(), Float.leastNormalMagnitude)
                let u2 = generator.nextUniform()
                let radius = (-2 * Foundation.log(u1)).squareRoot()
                let angle = 2 * Float.pi * u2
                buffer[index] = radius * Foundation.cos(angle)
                if index + 1 < buffer.count { buffer[index + 1] = radius * Foundation.sin(angle) }
                index += 2
            }
        })
    }
}
