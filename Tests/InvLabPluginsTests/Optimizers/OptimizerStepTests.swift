import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabNN
import InvLabOptimizers
import InvLabTestSupport
import Testing

/// Every optimizer plugin's updates on the 1-D quadratic f(x) = a/2 (x - b)^2 against the closed
/// form of its update rule, through the plugin (built from YAML by the registries).
@Suite("Optimizer plugins: steps on a quadratic")
struct OptimizerStepTests {
    let a: Float = 2, b: Float = 3

    @Test("gradient_descent: e_n = (1 - lr a)^n e_0")
    func gradientDescent() throws {
        let plugin = try OptimizerTestKit.build("{type: gradient_descent, lr: 0.1}")
        let path = OptimizerTestKit.descend(plugin, a: a, b: b, x0: 0, steps: 4)
        let expected = (1...4).map { 3 + Foundation.pow(1 - 0.1 * 2, Double($0)) * (0 - 3) }
        expectClose(path, expected)
        #expect(plugin.learningRate == 0.1)
        #expect(plugin.schedule == .constant)
    }

    @Test("gradient_descent defaults to lr 0.1; weight decay moves the fixed point to a b / (a + wd)")
    func gradientDescentWeightDecay() throws {
        #expect(try OptimizerTestKit.build("{type: gradient_descent}").learningRate == 0.1)
        let plugin = try OptimizerTestKit.build("{type: gradient_descent, lr: 0.1, weight_decay: 0.5}")
        let path = OptimizerTestKit.descend(plugin, a: a, b: b, x0: 0, steps: 3)
        // x_{n+1} = x_n - lr (a (x_n - b) + wd x_n): contraction 1 - lr (a + wd) towards a b / (a + wd).
        let fixed = 2.0 * 3 / 2.5
        expectClose(path, (1...3).map { fixed + Foundation.pow(1 - 0.1 * 2.5, Double($0)) * (0 - fixed) })
    }

    @Test("momentum: e_{k+1} = (1 + mu - lr (1 - d) a) e_k - mu e_{k-1} after the first step e_1 = (1 - lr a) e_0")
    func momentum() throws {
        for (mu, dampening) in [(0.9, 0.0), (0.5, 0.3)] {
            let plugin = try OptimizerTestKit.build("{type: momentum, lr: 0.05, momentum: \(mu), dampening: \(dampening)}")
            let path = OptimizerTestKit.descend(plugin, a: a, b: b, x0: 0, steps: 6)
            let (lr, ad) = (0.05, 2.0)
            var errors = [-3.0, (1 - lr * ad) * -3.0]
            while errors.count < 7 {
                let n = errors.count
                errors.append((1 + mu - lr * (1 - dampening) * ad) * errors[n - 1] - mu * errors[n - 2])
            }
            expectClose(path, errors.dropFirst().map { 3 + $0 })
        }
        #expect(try OptimizerTestKit.build("{type: momentum}").learningRate == 0.01)
    }

    @Test("nesterov: x_1 = x_0 - lr (1 + mu) g_0, x_2 = x_1 - lr (g_1 + mu (mu g_0 + g_1))")
    func nesterov() throws {
        let plugin = try OptimizerTestKit.build("{type: nesterov, lr: 0.1, momentum: 0.9}")
        let path = OptimizerTestKit.descend(plugin, a: a, b: b, x0: 0, steps: 2)
        // g_0 = 2 (0 - 3) = -6: x_1 = 0 + 0.1 * 1.9 * 6 = 1.14.
        // g_1 = 2 (1.14 - 3) = -3.72, v_2 = 0.9 * -6 - 3.72 = -9.12: x_2 = 1.14 + 0.1 (3.72 + 0.9 * 9.12) = 2.3328.
        expectClose(path, [1.14, 2.3328])
    }

    @Test("adam: the first step moves lr against the gradient's sign; the second follows Algorithm 1")
    func adam() throws {
        let plugin = try OptimizerTestKit.build("{type: adam, lr: 0.1, beta1: 0.8, beta2: 0.9}")
        let path = OptimizerTestKit.descend(plugin, a: a, b: b, x0: 0, steps: 2)
        let g0 = 2.0 * (0 - 3), x1 = 0 - 0.1 * g0 / (Swift.abs(g0) + 1e-8)
        let g1 = 2.0 * (x1 - 3)
        let m = (0.8 * 0.2 * g0 + 0.2 * g1) / (1 - 0.8 * 0.8)
        let v = (0.9 * 0.1 * g0 * g0 + 0.1 * g1 * g1) / (1 - 0.9 * 0.9)
        expectClose(path, [x1, x1 - 0.1 * m / (v.squareRoot() + 1e-8)])
        #expect(try OptimizerTestKit.build("{type: adam}").learningRate == 0.001)
    }

    @Test("adam with decoupled weight decay (AdamW) shrinks x by 1 - lr wd; coupled decay adds wd x to the gradient")
    func adamWeightDecay() throws {
        let decoupled = try OptimizerTestKit.build("{type: adam, lr: 0.1, weight_decay: 0.5, decoupled: true}")
        // x_0 = 5, g_0 = 2 (5 - 3) = 4: x_1 = 5 (1 - 0.05) - 0.1 * 4 / 4.
        expectClose(OptimizerTestKit.descend(decoupled, a: a, b: b, x0: 5, steps: 1), [4.75 - 0.1])
        // Coupled: g = 4 + 0.5 * 5 = 6.5 > 0, one Adam step of exactly lr.
        let coupled = try OptimizerTestKit.build("{type: adam, lr: 0.1, weight_decay: 0.5}")
        expectClose(OptimizerTestKit.descend(coupled, a: a, b: b, x0: 5, steps: 1), [4.9])
        // Without decay the coupled and decoupled forms agree.
        let plain = try OptimizerTestKit.build("{type: adam, lr: 0.1}")
        expectClose(OptimizerTestKit.descend(plain, a: a, b: b, x0: 5, steps: 1), [4.9])
    }

    @Test("sign_gradient: x_n = x_0 + n lr below the minimum, and the step ignores the gradient's size")
    func signGradient() throws {
        let plugin = try OptimizerTestKit.build("{type: sign_gradient, lr: 0.25}")
        expectClose(OptimizerTestKit.descend(plugin, a: a, b: b, x0: 0, steps: 3), [0.25, 0.5, 0.75])
        expectClose(OptimizerTestKit.descend(plugin, a: 1000, b: b, x0: 0, steps: 3), [0.25, 0.5, 0.75])
        // At the minimum the gradient is 0 and x stays.
        expectClose(OptimizerTestKit.descend(plugin, a: a, b: b, x0: 3, steps: 2), [3.0, 3.0])
        #expect(try OptimizerTestKit.build("{type: sign_gradient}").learningRate == 0.01)
    }

    @Test("the default training optimizer of recognizers builds: adam with lr 0.001")
    func defaultTrainingOptimizer() throws {
        let registries = try Builtins.registries()
        let context = BuildContext(specDirectory: URL(fileURLWithPath: "/tmp"), seed: 1, registries: registries)
        let plugin = try registries.optimizers.build(TrainingConfig().optimizer, context: context)
        #expect(plugin is AdamOptimizer)
        #expect(plugin.learningRate == 0.001)
        #expect(plugin.makeOptimizer() is Adam)
    }
}
