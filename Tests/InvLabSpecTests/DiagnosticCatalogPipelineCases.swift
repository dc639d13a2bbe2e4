import InvLabSpec

/// Bad `inherit:`, `--set` and `sweep:` usage.
extension DiagnosticCatalogTests {
    static let compositionCases: [DiagnosticCase] = [
        DiagnosticCase("inherit cycle", files: [
            ("a.yaml", "inherit: b.yaml\nversion: 1\n"),
            ("b.yaml", "inherit: sub/c.yaml\n"),
            ("sub/c.yaml", "inherit: ../a.yaml\n"),
        ], expected: """
            $DIR/sub/c.yaml:1:10: error: inherit cycle: $DIR/a.yaml -> $DIR/b.yaml -> $DIR/sub/c.yaml -> $DIR/a.yaml (at inherit)
                1 | inherit: ../a.yaml
                  |          ^
            """),
        DiagnosticCase("missing inherited file", files: [
            ("main.yaml", "inherit: [base.yaml, missing.yaml]\n"),
            ("base.yaml", validPrefix),
        ], expected: """
            $DIR/main.yaml:1:22: error: cannot read inherited spec 'missing.yaml' (resolved to $DIR/missing.yaml): no such file (at inherit[1])
                1 | inherit: [base.yaml, missing.yaml]
                  |                      ^
            """),
        DiagnosticCase("inherit of the wrong type", files: [("main.yaml", "inherit: {file: base.yaml}\n")], expected: """
            $DIR/main.yaml:1:10: error: expected a file path or a list of file paths, got a mapping (at inherit)
                1 | inherit: {file: base.yaml}
                  |          ^
            """),
        DiagnosticCase("errors point into the file that set the value", files: [
            ("child.yaml", "inherit: base.yaml\nattack:\n  steps: 10\n"),
            ("base.yaml", validPrefix + "attack:\n  steps: 5\n  learning_rate: fast\n"),
        ], expected: """
            $DIR/base.yaml:6:18: error: expected a number, got a string 'fast' (at attack.learning_rate)
                6 |   learning_rate: fast
                  |                  ^
            """),
        DiagnosticCase("syntax errors in two bases are reported together", files: [
            ("main.yaml", "inherit: [one.yaml, two.yaml]\n"),
            ("one.yaml", "a: 1\na: 2\n"),
            ("two.yaml", "b: [1\n"),
        ], expected: """
            $DIR/one.yaml:2:1: error: duplicate key 'a'
                2 | a: 2
                  | ^
            note: first defined at $DIR/one.yaml:1:1
            $DIR/two.yaml:2:1: error: YAML syntax error: did not find expected ',' or ']'
                2 |
                  | ^
            note: while parsing a flow sequence that starts at $DIR/two.yaml:1:4
            """),
    ]

    static let overrideCases: [DiagnosticCase] = [
        DiagnosticCase("--set without '='", files: [("main.yaml", validPrefix)], overrides: ["attack.steps"], expected: """
            --set:1:1: error: an override must look like key.path=value, got 'attack.steps'
                1 | attack.steps
                  | ^
            note: example: --set attack.iterations=200
            """),
        DiagnosticCase("--set with a malformed key path", files: [("main.yaml", validPrefix)], overrides: ["seed=1", "attack..steps=3"], expected: """
            --set:2:8: error: invalid key path 'attack..steps': expected a key after '.', found '.'
                2 | attack..steps=3
                  |        ^
            """),
        DiagnosticCase("--set index past the end of a list",
                       files: [("main.yaml", validPrefix + "attack:\n  regularizers: [l2, total_variation]\n")],
                       overrides: ["attack.regularizers[2].weight=1"], expected: """
            --set:1:20: error: index 2 is out of range: 'attack.regularizers' has 2 items (at attack.regularizers[2])
                1 | attack.regularizers[2].weight=1
                  |                    ^
            note: valid indices are 0...1
            """),
        DiagnosticCase("--set indexing into a scalar", files: [("main.yaml", validPrefix + "attack:\n  steps: 100\n")],
                       overrides: ["attack.steps[0]=1"], expected: """
            --set:1:13: error: cannot index into 'attack.steps': it is an integer 100, not a list (at attack.steps)
                1 | attack.steps[0]=1
                  |             ^
            """),
        DiagnosticCase("--set value that is not valid YAML", files: [("main.yaml", validPrefix)],
                       overrides: ["data.classes=[1, 2"], expected: """
            --set:1:19: error: YAML syntax error: did not find expected ',' or ']'
                1 | data.classes=[1, 2
                  |                   ^
            """),
        DiagnosticCase("--set value of the wrong type is caught by the decoder", files: [("main.yaml", validPrefix)],
                       overrides: ["attack.steps=lots"], expected: """
            --set:1:14: error: expected an integer, got a string 'lots' (at attack.steps)
                1 | attack.steps=lots
                  |              ^
            """),
    ]

    static let sweepCases: [DiagnosticCase] = [
        DiagnosticCase("sweep with step 0", files: [("main.yaml", validPrefix + "sweep:\n  defense.lambda: {from: 0, to: 1, step: 0}\n")], expected: """
            $DIR/main.yaml:5:42: error: expected a number > 0, got 0 (at sweep["defense.lambda"].step)
                5 |   defense.lambda: {from: 0, to: 1, step: 0}
                  |                                          ^
            """),
        DiagnosticCase("sweep that ends before it starts", files: [("main.yaml", validPrefix + "sweep:\n  defense.lambda: {from: 1, to: 0, step: 0.1}\n")], expected: """
            $DIR/main.yaml:5:33: error: the range ends before it starts: 'to' (0) is less than 'from' (1) (at sweep["defense.lambda"].to)
                5 |   defense.lambda: {from: 1, to: 0, step: 0.1}
                  |                                 ^
            """),
        DiagnosticCase("sweep with a bad key path and a bad range key", files: [("main.yaml", validPrefix + "sweep:\n  defense..lambda: [1, 2]\n  seed: {from: 0, to: 3, stpe: 1}\n")], expected: """
            $DIR/main.yaml:5:3: error: invalid key path 'defense..lambda' in sweep: expected a key after '.', found '.' (at sweep["defense..lambda"])
                5 |   defense..lambda: [1, 2]
                  |   ^
            $DIR/main.yaml:6:9: error: missing required key 'step' (at sweep.seed)
                6 |   seed: {from: 0, to: 3, stpe: 1}
                  |         ^
            $DIR/main.yaml:6:26: error: unknown key 'stpe' (at sweep.seed.stpe)
                6 |   seed: {from: 0, to: 3, stpe: 1}
                  |                          ^
            note: did you mean 'step'?
            """),
        DiagnosticCase("sweep with an empty list and a non-numeric bound", files: [("main.yaml", validPrefix + "sweep:\n  seed: []\n  attack.steps: {from: one, to: 3, step: 1}\n")], expected: """
            $DIR/main.yaml:5:9: error: a swept key needs at least one value, got an empty list (at sweep.seed)
                5 |   seed: []
                  |         ^
            $DIR/main.yaml:6:24: error: expected a number, got a string 'one' (at sweep["attack.steps"].from)
                6 |   attack.steps: {from: one, to: 3, step: 1}
                  |                        ^
            """),
        DiagnosticCase("sweep with too many trials", files: [("main.yaml", validPrefix + "sweep:\n  seed: {from: 0, to: 999, step: 1}\n  attack.steps: {from: 1, to: 1000, step: 1}\n")], expected: """
            $DIR/main.yaml:5:3: error: sweep has 1000000 trials; at most 100000 are allowed (at sweep)
                5 |   seed: {from: 0, to: 999, step: 1}
                  |   ^
            note: values per key: seed: 1000, attack.steps: 1000
            """),
        DiagnosticCase("sweep axis with too many values", files: [("main.yaml", validPrefix + "sweep:\n  attack.learning_rate: {from: 0, to: 1, step: 0.00001}\n")], expected: """
            $DIR/main.yaml:5:25: error: the range from 0 to 1 with step 1e-05 has more than 10000 values (at sweep["attack.learning_rate"])
                5 |   attack.learning_rate: {from: 0, to: 1, step: 0.00001}
                  |                         ^
            """),
    ]
}
