import Foundation
import InvLabCore
import InvLabNN
import Testing

/// The `schedule:` mapping and the exact diagnostics of bad optimizer configurations.
@Suite("Optimizer plugins: schedules and diagnostics")
struct OptimizerConfigurationTests {
    @Test("schedule mappings become the engine's LearningRateSchedule", arguments: [
        ("{type: adam}", LearningRateSchedule.constant),
        ("{type: adam, schedule: {type: constant}}", .constant),
        ("{type: adam, schedule: {type: step, every: 10}}", .step(every: 10, factor: 0.1)),
        ("{type: momentum, schedule: {type: step, every: 3, factor: 0.5}}", .step(every: 3, factor: 0.5)),
        ("{type: sign_gradient, schedule: {type: exponential, factor: 0.99}}", .exponential(factor: 0.99)),
        ("{type: nesterov, schedule: {type: cosine, total: 100}}", .cosine(total: 100, minimum: 0)),
        ("{type: gradient_descent, lr: 0.5, schedule: {type: cosine, total: 20, minimum: 0.01}}", .cosine(total: 20, minimum: 0.01)),
    ])
    func scheduleMapping(yaml: String, expected: LearningRateSchedule) throws {
        #expect(try OptimizerTestKit.build(yaml).schedule == expected)
    }

    @Test("a step schedule halves the rate every 3 steps; cosine reaches its minimum at total")
    func scheduleRates() throws {
        let step = try OptimizerTestKit.build("{type: gradient_descent, lr: 0.4, schedule: {type: step, every: 3, factor: 0.5}}")
        #expect((0..<7).map { step.schedule.rate(base: step.learningRate, step: $0) } == [0.4, 0.4, 0.4, 0.2, 0.2, 0.2, 0.1])
        let cosine = try OptimizerTestKit.build("{type: adam, lr: 0.1, schedule: {type: cosine, total: 10, minimum: 0.02}}")
        #expect(abs(cosine.schedule.rate(base: cosine.learningRate, step: 5) - 0.06) < 1e-6)
        #expect(abs(cosine.schedule.rate(base: cosine.learningRate, step: 10) - 0.02) < 1e-6)
    }

    @Test("bad keys and values give exact diagnostics", arguments: [
        ("{type: adam, lr: 0.001, beta: 0.9}", """
            optimizer.yaml:1:25: error: unknown key 'beta' (at attack.optimizer.beta)
                1 | {type: adam, lr: 0.001, beta: 0.9}
                  |                         ^
            note: did you mean 'beta1' or 'beta2'?
            """),
        ("{type: momentum, lr: 0}", """
            optimizer.yaml:1:22: error: expected a number > 0, got 0 (at attack.optimizer.lr)
                1 | {type: momentum, lr: 0}
                  |                      ^
            """),
        ("{type: nesterov, momentum: 0}", """
            optimizer.yaml:1:28: error: expected a number in (0, 1), got 0 (at attack.optimizer.momentum)
                1 | {type: nesterov, momentum: 0}
                  |                            ^
            """),
        ("{type: sign_gradient, weight_decay: 0.1}", """
            optimizer.yaml:1:23: error: unknown key 'weight_decay' (at attack.optimizer.weight_decay)
                1 | {type: sign_gradient, weight_decay: 0.1}
                  |                       ^
            note: known keys: lr, schedule
            """),
        ("{type: gradient_descent, schedule: {type: step}}", """
            optimizer.yaml:1:36: error: schedule type 'step' needs 'every' (the number of steps between two decays) (at attack.optimizer.schedule)
                1 | {type: gradient_descent, schedule: {type: step}}
                  |                                    ^
            """),
        ("{type: adam, schedule: {type: exponential}}", """
            optimizer.yaml:1:24: error: schedule type 'exponential' needs 'factor' (the multiplier applied every step, e.g. 0.99) (at attack.optimizer.schedule)
                1 | {type: adam, schedule: {type: exponential}}
                  |                        ^
            """),
        ("{type: adam, schedule: {type: cosine, every: 5}}", """
            optimizer.yaml:1:24: error: schedule type 'cosine' needs 'total' (the number of steps to anneal over) (at attack.optimizer.schedule)
                1 | {type: adam, schedule: {type: cosine, every: 5}}
                  |                        ^
            optimizer.yaml:1:46: error: 'every' is not used by schedule type 'cosine' (at attack.optimizer.schedule.every)
                1 | {type: adam, schedule: {type: cosine, every: 5}}
                  |                                              ^
            note: 'every' applies to schedule type step
            """),
        ("{type: adam, schedule: {type: step, every: 5, factor: 1.5}}", """
            optimizer.yaml:1:55: error: expected a number in (0, 1], got 1.5 (at attack.optimizer.schedule.factor)
                1 | {type: adam, schedule: {type: step, every: 5, factor: 1.5}}
                  |                                                       ^
            """),
        ("{type: adam, schedule: {type: cosin, total: 5}}", """
            optimizer.yaml:1:31: error: unknown value 'cosin' (at attack.optimizer.schedule.type)
                1 | {type: adam, schedule: {type: cosin, total: 5}}
                  |                               ^
            note: did you mean 'cosine'?
            """),
        ("{type: adam, lr: 0.01, schedule: {type: cosine, total: 5, minimum: 0.1}}", """
            optimizer.yaml:1:1: error: schedule minimum 0.1 exceeds the learning rate lr 0.01; a cosine schedule anneals down to its minimum (at attack.optimizer.schedule)
                1 | {type: adam, lr: 0.01, schedule: {type: cosine, total: 5, minimum: 0.1}}
                  | ^
            """),
        ("{type: adamw}", """
            optimizer.yaml:1:8: error: unknown optimizer 'adamw' (at attack.optimizer.type)
                1 | {type: adamw}
                  |        ^
            note: did you mean 'adam'?
            """),
    ])
    func diagnostics(yaml: String, expected: String) {
        #expect(OptimizerTestKit.diagnostics(yaml) == expected)
    }
}
