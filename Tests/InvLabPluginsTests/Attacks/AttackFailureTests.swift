import Foundation
import InvLabAttacks
import InvLabCore
import InvLabNN
import InvLabTensor
import Testing

/// Numerical faults and cancellation stop an attack with the right error.
@Suite struct AttackFailureTests {
    typealias Kit = AttackTestKit
    let model = PlantedLinearModel.planted(AttackTestKit.templates, strengths: [3, 3, 3])

    @Test func nonFiniteLossNamesTheStep() throws {
        // Evaluations 0, 1, 2 are the start and steps 1 and 2; the fourth (step 3) is NaN.
        let attack = try Kit.build("type: gradient\niterations: 10")
        do {
            _ = try attack.run(against: FailingModel(model, failFrom: 3), resources: Kit.resources(targets: [0, 1]))
            Issue.record("expected a numerical fault")
        } catch let fault as NumericalFault {
            #expect(fault.stage == "attack" && fault.step == 3 && fault.quantity == "loss")
            #expect(fault.description == "attack: loss is not finite (NaN or infinity) at step 3")
        }
    }

    @Test func nonFiniteImageIsReportedBeforeItIsEvaluated() throws {
        // Without projection, a step of 1e30 x 1e30 x (a gradient near 0.1) overflows the pixels.
        let attack = try Kit.build("type: gradient\niterations: 5\nprojection: null\nidentity_weight: 1e30\noptimizer: {type: gradient_descent, lr: 1e30}")
        do {
            _ = try attack.run(against: model, resources: Kit.resources(targets: [0]))
            Issue.record("expected a numerical fault")
        } catch let fault as NumericalFault {
            #expect(fault.stage == "attack" && fault.step == 1 && fault.quantity == "image")
        }
    }

    @Test func nonFiniteGradientNamesTheStep() throws {
        // sqrt is finite at 0 but its derivative is not: the start's gradient is infinite.
        let attack = try Kit.build("type: gradient\niterations: 5\ninit: {type: zeros}\nregularizers: [{type: square_root}]")
        do {
            _ = try attack.run(against: model, resources: Kit.resources(targets: [0]))
            Issue.record("expected a numerical fault")
        } catch let fault as NumericalFault {
            #expect(fault.stage == "attack" && fault.step == 0 && fault.quantity == "gradient")
        }
    }

    @Test func cancellationStopsTheLoop() throws {
        let polls = PollCounter(cancelAfter: 4)
        let environment = RunEnvironment(cache: ModelCache(directory: nil), progress: ProgressReporter(style: .quiet),
                                         dataDirectory: URL(fileURLWithPath: "data"), cancelled: { polls.poll() })
        for type in ["gradient", "query"] {
            polls.reset()
            let attack = try Kit.build("type: \(type)\niterations: 1000" + (type == "query" ? "\nsamples: 2" : ""))
            #expect(throws: RunCancelled.self) {
                try attack.run(against: model, resources: Kit.resources(targets: [0], environment: environment))
            }
            #expect(polls.count == 5, "checked once per iteration, stopping at the first request")
        }
    }

    @Test func progressReportsTheAttackStage() throws {
        let lines = LineCollector()
        let environment = RunEnvironment(cache: ModelCache(directory: nil),
                                         progress: ProgressReporter(style: .lines, write: { lines.append($0) }),
                                         dataDirectory: URL(fileURLWithPath: "data"))
        _ = try Kit.build("type: gradient\niterations: 20").run(against: model, resources: Kit.resources(targets: [0], environment: environment))
        #expect(lines.text.contains("attack: 20/20 steps"), "\(lines.text)")
        #expect(lines.text.contains("attack: done in"))
    }
}

/// Counts cancellation polls and asks to stop after `cancelAfter` of them.
///
/// @unchecked Sendable: polled by the run, read by the test; `lock` guards `polls`.
final class PollCounter: @unchecked Sendable {
    let cancelAfter: Int
    private let lock = NSLock()
    private var polls = 0
    var count: Int { lock.lock(); defer { lock.unlock() }; return polls }
    init(cancelAfter: Int) { self.cancelAfter = cancelAfter }
    func reset() { lock.lock(); polls = 0; lock.unlock() }
    func poll() -> Bool {
        lock.lock(); defer { lock.unlock() }
        polls += 1
        return polls > cancelAfter
    }
}

/// Collects progress output.
///
/// @unchecked Sendable: written by the progress reporter, read by the test; `lock` guards `collected`.
final class LineCollector: @unchecked Sendable {
    private var collected = ""
    private let lock = NSLock()
    var text: String { lock.lock(); defer { lock.unlock() }; return collected }
    func append(_ line: String) { lock.lock(); collected += line; lock.unlock() }
}
