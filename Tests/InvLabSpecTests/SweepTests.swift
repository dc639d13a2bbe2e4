import InvLabSpec
import Testing

/// `sweep:` values, ranges and the trial product.
@Suite("Sweeps")
struct SweepTests {
    @Test("0 to 1 in steps of 0.05 gives 21 values that print cleanly")
    func rangeValues() throws {
        let sweep = try decode(Sweep.self, from: try parseYAML("defense.lambda: {from: 0, to: 1, step: 0.05}"))
        let texts = sweep.axes[0].values.map(emitFlowYAML)
        #expect(texts.count == 21)
        #expect(texts == ["0", "0.05", "0.1", "0.15", "0.2", "0.25", "0.3", "0.35", "0.4", "0.45", "0.5",
                          "0.55", "0.6", "0.65", "0.7", "0.75", "0.8", "0.85", "0.9", "0.95", "1"])
        #expect(sweep.axes[0].path == SpecPath([.key("defense"), .key("lambda")]))
    }

    @Test("range end points and rounding", arguments: [
        ("{from: 1, to: 5, step: 2}", ["1", "3", "5"]),
        ("{from: 1, to: 6, step: 2}", ["1", "3", "5"]),
        ("{from: -0.3, to: 0.3, step: 0.1}", ["-0.3", "-0.2", "-0.1", "0", "0.1", "0.2", "0.3"]),
        ("{from: 0.5, to: 0.5, step: 1}", ["0.5"]),
        ("{from: 1e-4, to: 3e-4, step: 1e-4}", ["0.0001", "0.0002", "0.0003"]),
    ])
    func ranges(range: String, expected: [String]) throws {
        let sweep = try decode(Sweep.self, from: try parseYAML("x: \(range)"))
        #expect(sweep.axes[0].values.map(emitFlowYAML) == expected)
    }

    @Test("trials are the product in declared order, first key slowest")
    func trials() throws {
        let sweep = try decode(Sweep.self, from: try parseYAML("""
            defense.lambda: [0, 0.5]
            attack.regularizers[0].weight: [0.1, 0.2, 0.3]
            attack.optimizer: [{type: adam}]
            """))
        #expect(sweep.trialCount == 6)
        let trials = sweep.trials
        #expect(trials.map(\.index) == Array(0..<6))
        let summary = trials.map { $0.assignments.map { "\($0.path)=\(emitFlowYAML($0.value))" }.joined(separator: " ") }
        #expect(summary == [
            "defense.lambda=0 attack.regularizers[0].weight=0.1 attack.optimizer={type: adam}",
            "defense.lambda=0 attack.regularizers[0].weight=0.2 attack.optimizer={type: adam}",
            "defense.lambda=0 attack.regularizers[0].weight=0.3 attack.optimizer={type: adam}",
            "defense.lambda=0.5 attack.regularizers[0].weight=0.1 attack.optimizer={type: adam}",
            "defense.lambda=0.5 attack.regularizers[0].weight=0.2 attack.optimizer={type: adam}",
            "defense.lambda=0.5 attack.regularizers[0].weight=0.3 attack.optimizer={type: adam}",
        ])
        #expect(sweep.trial(at: 6) == nil)
        #expect(sweep.trial(at: -1) == nil)
    }

    @Test("a trial applied to a spec sets every swept value")
    func applying() throws {
        let root = try parseYAML("attack:\n  regularizers: [{type: l2, weight: 1}]\n")
        let sweep = try decode(Sweep.self, from: try parseYAML("attack.regularizers[0].weight: [2]\ndefense.lambda: [0.5]"))
        let trial = try #require(sweep.trial(at: 0))
        let applied = try sweep.applying(trial, to: root)
        #expect(applied == (try parseYAML("attack: {regularizers: [{type: l2, weight: 2}]}\ndefense: {lambda: 0.5}")))
        let bad = try decode(Sweep.self, from: try parseYAML("attack.regularizers[3].weight: [2]"), at: SpecPath([.key("sweep")]))
        let message = renderedError(cache: SourceCache()) { _ = try bad.applying(try #require(bad.trial(at: 0)), to: root) }
        #expect(message == "test.yaml:1:1: error: index 3 is out of range: 'attack.regularizers' has 1 item (at attack.regularizers[3])\nnote: valid indices are 0...0")
    }

    @Test("an empty or null sweep is the single unswept run; a sweep renders back as lists")
    func emptyAndRendered() throws {
        #expect(try decode(Sweep.self, from: try parseYAML("~")).trials == [Sweep.Trial(index: 0, assignments: [])])
        let sweep = try decode(Sweep.self, from: try parseYAML("a.b: {from: 0, to: 2, step: 1}\n\"c[1]\": [x]"))
        #expect(emitFlowYAML(sweep.specNode) == "{a.b: [0, 1, 2], \"c[1]\": [x]}")
    }

    @Test("the same key path twice is rejected")
    func duplicatePaths() throws {
        let message = renderedError(cache: SourceCache()) {
            _ = try decode(Sweep.self, from: try parseYAML("a[0]: [1]\na[00]: [2]\n"), at: SpecPath([.key("sweep")]))
        }
        #expect(message == """
            test.yaml:2:1: error: sweep key 'a[00]' addresses the same value as an earlier key (at sweep["a[00]"])
            note: first swept at test.yaml:1:1
            """)
    }
}
