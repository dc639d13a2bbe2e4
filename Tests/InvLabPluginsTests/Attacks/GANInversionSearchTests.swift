import Foundation
@testable import InvLabAttacks
import InvLabCore
import InvLabTensor
import Testing

/// The search loop of KEDMI and PLG-MI keeps the searched latent in the GAN's [-1, 1] range.
@Suite("GAN inversion search loop")
struct GANInversionSearchTests {
    @Test("Adam steps are projected to [-1, 1] (first variable only) and every row's loss is recorded")
    func projection() throws {
        var variables = [Tensor(shape: [2, 2], scalars: [0, 0.5, -0.5, 0]), Tensor(shape: [2, 2], scalars: [0, 0, 0, 0])]
        // Pushes the first variable's rows up (row 0) and down (row 1) without bound, and the second up.
        let direction = Tensor(shape: [2, 2], scalars: [1, 1, -1, -1])
        let curves = try GANInversionSearch.minimise(&variables, iterations: 40, lr: 0.5, environment: .ephemeral(), stage: "test") { _, v in
            -(v[0] * direction).sumPerSample() - v[1].sumPerSample()
        }
        #expect(variables[0].scalars == [1, 1, -1, -1])
        #expect(variables[1].scalars.allSatisfy { $0 > 5 }, "the second variable is not projected: \(variables[1].scalars)")
        #expect(curves.count == 2 && curves.allSatisfy { $0.count == 40 })
        #expect(curves[0][0] == -0.5 && curves[1][0] == -0.5)
    }
}
