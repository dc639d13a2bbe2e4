import InvLabSpec

/// Bad values, keys and plugins: caught by the typed decoder.
extension DiagnosticCatalogTests {
    static let miface = """
        # Model inversion (MI-Face) against an ORL recognizer.
        version: 1
        name: miface
        seed: 0
        data:
          dataset: orl
          image_size: 64
        attack:
          steps: 100
          learning_rate: 0.1
          regularizers:
            - type: l2
              weight: 0.01
            - type: total_variaton
              weight: 0.05

        """

    static let decodingCases: [DiagnosticCase] = [
        DiagnosticCase("unknown plugin id (the architecture example)",
                       files: [("Experiments/orl/miface.yaml", miface)], expected: """
            $DIR/Experiments/orl/miface.yaml:14:13: error: unknown regularizer 'total_variaton' (at attack.regularizers[1].type)
               14 |     - type: total_variaton
                  |             ^
            note: did you mean 'total_variation'?
            """),
        DiagnosticCase("unknown key with a close match", files: [("main.yaml", validPrefix + "attack:\n  stpes: 10\n")], expected: """
            $DIR/main.yaml:5:3: error: unknown key 'stpes' (at attack.stpes)
                5 |   stpes: 10
                  |   ^
            note: did you mean 'steps'?
            """),
        DiagnosticCase("unknown key without a close match", files: [("main.yaml", validPrefix + "attack:\n  colour: red\n")], expected: """
            $DIR/main.yaml:5:3: error: unknown key 'colour' (at attack.colour)
                5 |   colour: red
                  |   ^
            note: known keys: steps, learning_rate, optimizer, regularizers, target_classes, scale, clip
            """),
        DiagnosticCase("moved key (SpecConfig.movedKeys)", files: [("main.yaml", validPrefix + "attack:\n  lr: 0.1\n")], expected: """
            $DIR/main.yaml:5:3: error: key 'lr' has moved (at attack.lr)
                5 |   lr: 0.1
                  |   ^
            note: write the step size as `learning_rate`
            """),
        DiagnosticCase("string where an integer belongs", files: [("main.yaml", validPrefix + "attack:\n  steps: many\n")], expected: """
            $DIR/main.yaml:5:10: error: expected an integer, got a string 'many' (at attack.steps)
                5 |   steps: many
                  |          ^
            """),
        DiagnosticCase("fraction where an integer belongs", files: [("main.yaml", validPrefix + "attack:\n  steps: 1.5\n")], expected: """
            $DIR/main.yaml:5:10: error: expected an integer, got a number 1.5 (at attack.steps)
                5 |   steps: 1.5
                  |          ^
            """),
        DiagnosticCase("list where a mapping belongs", files: [("main.yaml", "version: 1\ndata: [orl]\n")], expected: """
            $DIR/main.yaml:2:7: error: expected a mapping, got a list (at data)
                2 | data: [orl]
                  |       ^
            """),
        DiagnosticCase("number where a string belongs", files: [("main.yaml", validPrefix + "name: 2024\n")], expected: """
            $DIR/main.yaml:4:7: error: expected a string, got an integer 2024 (at name)
                4 | name: 2024
                  |       ^
            note: write "2024" in quotes if you mean the text
            """),
        DiagnosticCase("yes where a boolean belongs", files: [("main.yaml", validPrefix + "attack:\n  clip: yes\n")], expected: """
            $DIR/main.yaml:5:9: error: expected a boolean, got a string 'yes' (at attack.clip)
                5 |   clip: yes
                  |         ^
            note: YAML 1.2 reads 'yes' as text; write true or false
            """),
        DiagnosticCase("numbers out of range", files: [("main.yaml", validPrefix + "seed: -1\nattack:\n  learning_rate: 0\n  scale: 1.5\n")], expected: """
            $DIR/main.yaml:4:7: error: expected an integer >= 0, got -1 (at seed)
                4 | seed: -1
                  |       ^
            $DIR/main.yaml:6:18: error: expected a number > 0, got 0 (at attack.learning_rate)
                6 |   learning_rate: 0
                  |                  ^
            $DIR/main.yaml:7:10: error: expected a number in [0, 1], got 1.5 (at attack.scale)
                7 |   scale: 1.5
                  |          ^
            """),
        DiagnosticCase("missing required key", files: [("main.yaml", "version: 1\ndata: {image_size: 32}\n")], expected: """
            $DIR/main.yaml:2:7: error: missing required key 'dataset' (at data)
                2 | data: {image_size: 32}
                  |       ^
            """),
        DiagnosticCase("missing version at the root", files: [("main.yaml", "data:\n  dataset: orl\n")], expected: """
            $DIR/main.yaml:1:1: error: missing required key 'version'
                1 | data:
                  | ^
            """),
        DiagnosticCase("custom check on a value", files: [("main.yaml", "version: 2\ndata:\n  dataset: orl\n")], expected: """
            $DIR/main.yaml:1:10: error: unsupported spec version 2; this invlab reads version 1 (at version)
                1 | version: 2
                  |          ^
            """),
        DiagnosticCase("bad enum value with a suggestion", files: [("main.yaml", validPrefix + "attack:\n  optimizer: adma\n")], expected: """
            $DIR/main.yaml:5:14: error: unknown value 'adma' (at attack.optimizer)
                5 |   optimizer: adma
                  |              ^
            note: did you mean 'adam'?
            """),
        DiagnosticCase("bad enum value without a suggestion", files: [("main.yaml", "version: 1\ndata:\n  dataset: orl\n  split: everything\n")], expected: """
            $DIR/main.yaml:4:10: error: unknown value 'everything' (at data.split)
                4 |   split: everything
                  |          ^
            note: expected one of: train, test, validation
            """),
        DiagnosticCase("cross-field validation", files: [("main.yaml", validPrefix + "attack:\n  optimizer: lbfgs\n  learning_rate: 0.5\n")], expected: """
            $DIR/main.yaml:6:18: error: lbfgs needs a learning_rate of at least 1, got 0.5 (at attack.learning_rate)
                6 |   learning_rate: 0.5
                  |                  ^
            """),
        DiagnosticCase("plugin without a type", files: [("main.yaml", validPrefix + "defense:\n  lambda: 0.1\n")], expected: """
            $DIR/main.yaml:5:3: error: missing required key 'type' (at defense)
                5 |   lambda: 0.1
                  |   ^
            note: a plugin is written as {type: <plugin id>, ...its options}
            """),
        DiagnosticCase("bad plugin option", files: [("main.yaml", validPrefix + "attack:\n  regularizers:\n    - {type: l2, wieght: 2}\n    - type: total_variation\n      weight: -1\n")], expected: """
            $DIR/main.yaml:6:18: error: unknown key 'wieght' (at attack.regularizers[0].wieght)
                6 |     - {type: l2, wieght: 2}
                  |                  ^
            note: did you mean 'weight'?
            $DIR/main.yaml:8:15: error: expected a number >= 0, got -1 (at attack.regularizers[1].weight)
                8 |       weight: -1
                  |               ^
            """),
        DiagnosticCase("every problem of a file in one pass, in source order",
                       files: [("main.yaml", "version: 1\ndata:\n  dataset: 7\n  image_size: 4\nattack:\n  steps: 0\n  optimiser: sgd\nseeed: 3\n")],
                       expected: """
            $DIR/main.yaml:3:12: error: expected a string, got an integer 7 (at data.dataset)
                3 |   dataset: 7
                  |            ^
            note: write "7" in quotes if you mean the text
            $DIR/main.yaml:4:15: error: expected an integer in [8, 1024], got 4 (at data.image_size)
                4 |   image_size: 4
                  |               ^
            $DIR/main.yaml:6:10: error: expected an integer >= 1, got 0 (at attack.steps)
                6 |   steps: 0
                  |          ^
            $DIR/main.yaml:7:3: error: unknown key 'optimiser' (at attack.optimiser)
                7 |   optimiser: sgd
                  |   ^
            note: did you mean 'optimizer'?
            $DIR/main.yaml:8:1: error: unknown key 'seeed' (at seeed)
                8 | seeed: 3
                  | ^
            note: did you mean 'seed'?
            """),
    ]
}
