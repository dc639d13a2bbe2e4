import Foundation
@testable import InvLabCore
import Testing

@Suite("Progress rate and ETA")
struct ProgressRateTests {
    func stage(total: Int) -> ProgressStage {
        ProgressReporter(style: .lines, write: { _ in }).stage("trials", total: total, unit: "trials")
    }

    @Test("a resumed run: trials recorded before the stage started do not count as done in no time")
    func resumed() {
        let trials = stage(total: 21)
        trials.record(10, at: 0.001)            // 10 trials were recorded by the interrupted run
        #expect(trials.rate(done: 10, elapsed: 0.01) == 0, "no rate before a trial of this session finished")
        trials.record(11, at: 30)
        #expect(abs(trials.rate(done: 11, elapsed: 30) - 1.0 / 29.999) < 1e-9)
        #expect(!trials.line(done: 11, elapsed: 30, detail: "").contains("e+04"))
    }

    @Test("a first trial that trained the cached models does not set the pace of the others")
    func cachedTraining() {
        let trials = stage(total: 21)
        trials.record(0, at: 0)
        trials.record(1, at: 300)                // trial 0 trained f, f' and the judges
        trials.record(2, at: 310)
        trials.record(3, at: 320)                // the others take 10 s each
        #expect(abs(trials.rate(done: 3, elapsed: 320) - 0.1) < 1e-9)
        #expect(trials.line(done: 3, elapsed: 320, detail: "").contains("ETA 3 min 00 s"))
    }
}
