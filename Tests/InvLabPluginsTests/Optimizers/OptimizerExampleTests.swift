import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabOptimizers
import InvLabSpec
import Testing

@Suite("Optimizer plugins: registration")
struct OptimizerExampleTests {
    @Test("every optimizer of the module is registered and its example builds")
    func examplesBuild() throws {
        let registries = try Builtins.registries()
        let descriptors = registries.optimizers.descriptors.filter { $0.module == InvLabOptimizersModule.name }
        #expect(descriptors.map(\.id) == ["gradient_descent", "momentum", "nesterov", "adam", "sign_gradient"])
        for descriptor in descriptors {
            let plugin = try OptimizerTestKit.build(descriptor.example)
            #expect(plugin.learningRate > 0, "\(descriptor.id)")
            #expect(descriptor.fields.allSatisfy { !$0.doc.isEmpty && $0.defaultText != nil }, "\(descriptor.id): every key documented with a default")
        }
    }
}
