import Foundation
import InvLabBuiltins
import InvLabCore
import Testing

/// Records the events of a run.
final class RecordingSink: RunSink {
    var events: [String] = []
    func receive(_ event: RunEvent) throws {
        switch event {
        case .runStarted(_, _, let trials, let resumed): events.append("started \(trials) \(resumed)")
        case .trialStarted(let index, _): events.append("trial \(index)")
        case .trialAttacked(let index, let result): events.append("attacked \(index) \(result.lossCurves.count)")
        case .trialFinished(let outcome): events.append("finished \(outcome.index) \(outcome.status.rawValue)")
        case .runFinished(_, let outcomes, _, let interrupted): events.append("done \(outcomes.count) \(interrupted)")
        }
    }
}

@Suite("Run events and sinks")
struct RunEventsTests {
    @Test("a library user's runner emits the events in order and writes the report itself")
    func eventsAndReport() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": tiny(replacing: "output: {images: true, report: false}", with: "output: {images: true, report: true}")
            + "sweep:\n  seed: [3, 4]\n"])
        defer { fixture.remove() }
        var options = RunOptions(dataDirectory: fixture.directory.appendingPathComponent("data"))
        options.outDirectory = fixture.directory.appendingPathComponent("run")
        options.cacheDirectory = fixture.directory.appendingPathComponent("cache")
        options.progress = .quiet
        let runner = ExperimentRunner(loaded: try fixture.load(), registries: try Builtins.registries(), options: options)
        let sink = RecordingSink()
        runner.sinks.append(sink)
        let summary = try runner.run()
        #expect(sink.events == ["started 2 0", "trial 0", "attacked 0 4", "finished 0 completed", "trial 1", "attacked 1 4", "finished 1 completed",
                                "done 2 false"])
        // No CLI involved: the runner's ReportSink wrote plots and report.html.
        #expect(FileManager.default.fileExists(atPath: summary.directory.appendingPathComponent("report.html").path))
        #expect(FileManager.default.fileExists(atPath: summary.directory.appendingPathComponent("plots/seed.svg").path))
    }
}

@Suite("Plugins built once per run")
struct PluginBuildTests {
    @Test("a three-point sweep builds each distinct plugin once, and the runner builds none again")
    func buildsOnce() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": tinySpec + "sweep:\n  attack.iterations: [2, 3, 4]\n"])
        defer { fixture.remove() }
        let loaded = try fixture.load()
        #expect(loaded.plans.count == 3)
        let cache = PluginBuildCache()
        for trial in loaded.trials {
            _ = try ExperimentPlan.build(loaded.spec(of: trial), specDirectory: fixture.directory, registries: try Builtins.registries(), cache: cache)
        }
        // dataset, target, evaluator, 4 judges, 4 metrics once; the attack once per iteration count.
        #expect(cache.builds == 1 + 1 + 1 + 4 + 4 + 3)
    }
}

@Suite("The judge panel in a run")
struct JudgePanelRunTests {
    @Test("with allow_target_as_evaluator the evaluator judge is the target, never valid; the other judges still judge")
    func targetAsEvaluator() throws {
        let spec = tiny(replacing: "evaluator: {type: mlp, hidden: [8], train: {epochs: 3, batch_size: 4}}", with: "allow_target_as_evaluator: true")
            .replacingOccurrences(of: "metrics: [attack_accuracy, target_confidence, recognition_accuracy, cost]",
                                  with: "metrics: [attack_accuracy, judge_validity, judge_dose]")
        let fixture = try SpecFixture(files: ["spec.yaml": spec])
        defer { fixture.remove() }
        let summary = try runSpec(fixture, out: "run")
        let outcome = try #require(summary.outcomes.first)
        #expect(outcome.status == .completed, "\(outcome.error ?? "")")
        #expect(outcome.values["valid_evaluator"] == 0, "the target judging itself never counts")
        #expect(outcome.values["judges_valid"].map { $0 <= 3 } == true)
        let info = try String(contentsOf: summary.directory.appendingPathComponent("run.json"), encoding: .utf8)
        #expect(info.contains("the attacked target itself (allow_target_as_evaluator)"))
        #expect(info.contains("\"method\": \"PGD (Madry et al. 2018), training on the adversarial images only\""))
    }
}

@Suite("An attack that makes no progress is not silent")
struct AttackProgressTests {
    @Test("a regularizer far too strong for the step size: the trial warns, naming the trial and the terms; the objective split is in the tables")
    func noProgressWarns() throws {
        let spec = tiny(replacing: "regularizers: [{type: total_variation, weight: 0.01}]", with: "regularizers: [{type: total_variation, weight: 1000}]")
            .replacingOccurrences(of: "optimizer: {type: gradient_descent, lr: 0.1}", with: "optimizer: {type: gradient_descent, lr: 10}")
            .replacingOccurrences(of: "metrics: [attack_accuracy, target_confidence, recognition_accuracy, cost]", with: "metrics: [objective]")
        let fixture = try SpecFixture(files: ["spec.yaml": spec])
        defer { fixture.remove() }
        let outcome = try #require(try runSpec(fixture, out: "run").outcomes.first)
        let warning = try #require(outcome.warnings?.first)
        #expect(warning.hasPrefix("trial 0: the attack made no progress for any identity"))
        #expect(warning.contains("total_variation") && warning.contains("identity_loss"))
        #expect(warning.contains("the regularizer weights (total_variation) outweigh the identity loss"), "\(warning)")
        #expect(warning.contains("the objective rose during the search"), "\(warning)")
        let start = try #require(outcome.values["objective_start"]), end = try #require(outcome.values["objective_end"])
        #expect(end >= start)
        let split = try text(fixture.directory.appendingPathComponent("run"), "trials/0000/objective_terms.csv")
        #expect(split.hasPrefix("class,identity,term,start,end\n") && split.contains(",total_variation,"))
    }

    @Test("an attack that improves its objective gives no warning")
    func progressIsQuiet() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": tinySpec])
        defer { fixture.remove() }
        let outcome = try #require(try runSpec(fixture, out: "run").outcomes.first)
        #expect(outcome.warnings == nil)
    }
}
