/// One bad spec and its exact expected diagnostics.
struct BadSpecCase: CustomStringConvertible, Sendable {
    var name: String
    var files: [String: String]
    var overrides: [String] = []
    var expected: String
    var description: String { name }
}

/// `tinySpec` with `old` replaced by `new` (the replaced text must occur).
func tiny(replacing old: String, with new: String) -> String {
    precondition(tinySpec.contains(old), "tinySpec has no '\(old)'")
    return tinySpec.replacingOccurrences(of: old, with: new)
}

let badSpecCases: [BadSpecCase] = [
    BadSpecCase(name: "misspelt regularizer", files: ["spec.yaml": tiny(replacing: "type: total_variation", with: "type: total_variaton")], expected: """
        spec.yaml:12:25: error: unknown regularizer 'total_variaton' (at attack.regularizers[0].type)
           12 |   regularizers: [{type: total_variaton, weight: 0.01}]
              |                         ^
        note: did you mean 'total_variation'?
        """),
    BadSpecCase(name: "misspelt key of a regularizer's nested generator",
                files: ["spec.yaml": tiny(replacing: "{type: total_variation, weight: 0.01}", with: "{type: discriminator_prior, generator: {type: dcgan, sied: 32}}")],
                expected: """
        spec.yaml:12:71: error: unknown key 'sied' (at attack.regularizers[0].generator.sied)
           12 |   regularizers: [{type: discriminator_prior, generator: {type: dcgan, sied: 32}}]
              |                                                                       ^
        note: did you mean 'side'?
        """),
    BadSpecCase(name: "generator key written flat in discriminator_prior",
                files: ["spec.yaml": tiny(replacing: "{type: total_variation, weight: 0.01}", with: "{type: discriminator_prior, epochs: 2}")],
                expected: """
        spec.yaml:12:46: error: key 'epochs' has moved (at attack.regularizers[0].epochs)
           12 |   regularizers: [{type: discriminator_prior, epochs: 2}]
              |                                              ^
        note: the GAN's keys belong to its generator now: write `generator: {type: dcgan, epochs: ...}`
        """),
    BadSpecCase(name: "misspelt top-level key", files: ["spec.yaml": tiny(replacing: "metrics:", with: "metric:")], expected: """
        spec.yaml:14:1: error: unknown key 'metric' (at metric)
           14 | metric: [attack_accuracy, target_confidence, recognition_accuracy, cost]
              | ^
        note: did you mean 'metrics'?
        """),
    BadSpecCase(name: "misspelt plugin key", files: ["spec.yaml": tiny(replacing: "iterations: 6", with: "iteratons: 6")], expected: """
        spec.yaml:11:3: error: unknown key 'iteratons' (at attack.iteratons)
           11 |   iteratons: 6
              |   ^
        note: did you mean 'iterations'?
        """),
    BadSpecCase(name: "misspelt dataset", files: ["spec.yaml": tiny(replacing: "type: synthetic_faces", with: "type: synthetic_face")], expected: """
        spec.yaml:5:18: error: unknown dataset 'synthetic_face' (at data.source.type)
            5 |   source: {type: synthetic_face, identities: 4, images_per_identity: 4, height: 16, width: 12}
              |                  ^
        note: did you mean 'synthetic_faces'?
        """),
    BadSpecCase(name: "unknown recognizer without a close match", files: ["spec.yaml": tiny(replacing: "type: mlp", with: "type: transformer")], expected: """
        spec.yaml:8:19: error: unknown recognizer 'transformer' (at evaluator.type)
            8 | evaluator: {type: transformer, hidden: [8], train: {epochs: 3, batch_size: 4}}
              |                   ^
        note: known recognizers: softmax_regression, mlp, cnn, resnet, onnx
        note: a plugin from another package is only known to that package's own build of invlab (see docs/extending.md)
        """),
    BadSpecCase(name: "string for an integer", files: ["spec.yaml": tiny(replacing: "seed: 3", with: "seed: abc")], expected: """
        spec.yaml:3:7: error: expected an integer, got a string 'abc' (at seed)
            3 | seed: abc
              |       ^
        """),
    BadSpecCase(name: "fraction for an integer", files: ["spec.yaml": tiny(replacing: "iterations: 6", with: "iterations: 1.5")], expected: """
        spec.yaml:11:15: error: expected an integer, got a number 1.5 (at attack.iterations)
           11 |   iterations: 1.5
              |               ^
        """),
    BadSpecCase(name: "list for a mapping", files: ["spec.yaml": tiny(replacing: "output: {images: true, report: false}", with: "output: [1, 2]")], expected: """
        spec.yaml:15:9: error: expected a mapping, got a list (at output)
           15 | output: [1, 2]
              |         ^
        """),
    BadSpecCase(name: "missing required key", files: ["spec.yaml": tiny(replacing: "name: tiny\n", with: "")], expected: """
        spec.yaml:1:1: error: missing required key 'name'
            1 | version: 1
              | ^
        """),
    BadSpecCase(name: "missing data source", files: ["spec.yaml": tiny(replacing: "  source: {type: synthetic_faces, identities: 4, images_per_identity: 4, height: 16, width: 12}\n", with: "")], expected: """
        spec.yaml:5:3: error: missing required key 'source' (at data)
            5 |   train_per_identity: 3
              |   ^
        """),
    BadSpecCase(name: "out of range", files: ["spec.yaml": tiny(replacing: "train_per_identity: 3", with: "train_per_identity: 0")], expected: """
        spec.yaml:6:23: error: expected an integer in [1, 100000], got 0 (at data.train_per_identity)
            6 |   train_per_identity: 0
              |                       ^
        """),
    BadSpecCase(name: "out of range in a plugin", files: ["spec.yaml": tiny(replacing: "lr: 0.1", with: "lr: -0.1")], expected: """
        spec.yaml:13:43: error: expected a number > 0, got -0.1 (at attack.optimizer.lr)
           13 |   optimizer: {type: gradient_descent, lr: -0.1}
              |                                           ^
        """),
    BadSpecCase(name: "unsupported version", files: ["spec.yaml": tiny(replacing: "version: 1", with: "version: 2")], expected: """
        spec.yaml:1:10: error: unsupported spec version 2; this InversionLab reads version 1 (at version)
            1 | version: 2
              |          ^
        """),
    BadSpecCase(name: "no evaluator", files: ["spec.yaml": tiny(replacing: "evaluator: {type: mlp, hidden: [8], train: {epochs: 3, batch_size: 4}}\n", with: "")], expected: """
        spec.yaml:1:1: error: missing required key 'evaluator': attack success must be judged by a separate evaluation classifier
            1 | version: 1
              | ^
        note: add `evaluator: {type: cnn, ...}`, or set `allow_target_as_evaluator: true` to judge with the attacked model (every table then marks it)
        """),
    BadSpecCase(name: "sweep step 0", files: ["spec.yaml": tinySpec + "sweep: {attack.iterations: {from: 1, to: 5, step: 0}}\n"], expected: """
        spec.yaml:16:51: error: expected a number > 0, got 0 (at sweep["attack.iterations"].step)
           16 | sweep: {attack.iterations: {from: 1, to: 5, step: 0}}
              |                                                   ^
        """),
    BadSpecCase(name: "sweep to below from", files: ["spec.yaml": tinySpec + "sweep: {seed: {from: 5, to: 1, step: 1}}\n"], expected: """
        spec.yaml:16:29: error: the range ends before it starts: 'to' (1) is less than 'from' (5) (at sweep.seed.to)
           16 | sweep: {seed: {from: 5, to: 1, step: 1}}
              |                             ^
        """),
    BadSpecCase(name: "sweep over a misspelt key", files: ["spec.yaml": tinySpec + "sweep: {attack.iteratons: [1, 2]}\n"], expected: """
        spec.yaml:16:9: error: unknown key 'iteratons' (at attack.iteratons)
           16 | sweep: {attack.iteratons: [1, 2]}
              |         ^
        note: did you mean 'iterations'?
        """),
    BadSpecCase(name: "sweep value of the wrong type", files: ["spec.yaml": tinySpec + "sweep: {attack.iterations: [4, many]}\n"], expected: """
        spec.yaml:16:32: error: expected an integer, got a string 'many' (at attack.iterations)
           16 | sweep: {attack.iterations: [4, many]}
              |                                ^
        """),
    BadSpecCase(name: "inherit cycle", files: ["spec.yaml": "inherit: base.yaml\n" + tinySpec, "base.yaml": "inherit: spec.yaml\nseed: 1\n"], expected: """
        base.yaml:1:10: error: inherit cycle: spec.yaml -> base.yaml -> spec.yaml (at inherit)
            1 | inherit: spec.yaml
              |          ^
        """),
    BadSpecCase(name: "missing inherited file", files: ["spec.yaml": "inherit: nowhere.yaml\n" + tinySpec], expected: """
        spec.yaml:1:10: error: cannot read inherited spec 'nowhere.yaml' (resolved to nowhere.yaml): no such file (at inherit)
            1 | inherit: nowhere.yaml
              |          ^
        """),
    BadSpecCase(name: "tab indentation", files: ["spec.yaml": tiny(replacing: "  train_per_identity: 3", with: "\ttrain_per_identity: 3")], expected: """
        spec.yaml:6:1: error: tabs are not allowed for indentation in YAML; indent with spaces
            6 | 	train_per_identity: 3
              | ^
        """),
    BadSpecCase(name: "duplicate key", files: ["spec.yaml": tiny(replacing: "seed: 3\n", with: "seed: 3\nseed: 4\n")], expected: """
        spec.yaml:4:1: error: duplicate key 'seed'
            4 | seed: 4
              | ^
        note: first defined at spec.yaml:3:1
        """),
    BadSpecCase(name: "alias bomb", files: ["spec.yaml": """
        a: &a [x, x, x, x, x, x, x, x, x, x]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
        d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
        e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
        f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
        """], expected: """
        spec.yaml:5:36: error: alias expansion exceeds 100000 nodes (a 'billion laughs' document?)
            5 | e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
              |                                    ^
        """),
    BadSpecCase(name: "empty file", files: ["spec.yaml": ""], expected: """
        spec.yaml:1:1: error: spec file is empty: expected a mapping that starts with 'version: 1'
            1 |
              | ^
        """),
    BadSpecCase(name: "binary file", files: ["spec.yaml": "\u{7F}ELF\u{02}\u{01}\u{01}\u{00}\u{00}"], expected: """
        spec.yaml:1:8: error: file is not UTF-8 text (byte 0x00 at offset 7)
        note: a spec is a YAML text file; is this the right path?
        """),
    BadSpecCase(name: "override without =", files: ["spec.yaml": tinySpec], overrides: ["attack.iterations"], expected: """
        --set:1:1: error: an override must look like key.path=value, got 'attack.iterations'
            1 | attack.iterations
              | ^
        note: example: --set attack.iterations=200
        """),
    BadSpecCase(name: "override of a misspelt key", files: ["spec.yaml": tinySpec], overrides: ["attack.iteration=3"], expected: """
        --set:1:8: error: unknown key 'iteration' (at attack.iteration)
            1 | attack.iteration=3
              |        ^
        note: did you mean 'iterations'?
        """),
    BadSpecCase(name: "metric listed twice", files: ["spec.yaml": tiny(replacing: "metrics: [attack_accuracy,", with: "metrics: [cost, attack_accuracy,")], expected: """
        spec.yaml:14:75: error: metric 'cost' is listed twice (at metrics[4].type)
           14 | metrics: [cost, attack_accuracy, target_confidence, recognition_accuracy, cost]
              |                                                                           ^
        """),
    BadSpecCase(name: "name with a space", files: ["spec.yaml": tiny(replacing: "name: tiny", with: "name: my tiny run")], expected: """
        spec.yaml:2:7: error: expected a name of letters, digits, '.', '_' and '-', got 'my tiny run' (at name)
            2 | name: my tiny run
              |       ^
        """),
    BadSpecCase(name: "misspelt training optimizer", files: ["spec.yaml": tiny(replacing: "train: {epochs: 3, batch_size: 4}}\nevaluator", with: "train: {epochs: 3, batch_size: 4, optimizer: {type: adamm}}}\nevaluator")], expected: """
        spec.yaml:7:88: error: unknown optimizer 'adamm' (at target.train.optimizer.type)
            7 | target: {type: softmax_regression, train: {epochs: 3, batch_size: 4, optimizer: {type: adamm}}}
              |                                                                                        ^
        note: did you mean 'adam'?
        """),
    BadSpecCase(name: "two channels", files: ["spec.yaml": tiny(replacing: "  train_per_identity: 3", with: "  train_per_identity: 3\n  image: {channels: 2}")], expected: """
        spec.yaml:7:21: error: expected 1 or 3 channels, got 2 (at data.image.channels)
            7 |   image: {channels: 2}
              |                     ^
        """),
    BadSpecCase(name: "misspelt defense in a list", files: ["spec.yaml": tinySpec + "defense: [{type: roundng, digits: 2}]\n"], expected: """
        spec.yaml:16:18: error: unknown defense 'roundng' (at defense[0].type)
           16 | defense: [{type: roundng, digits: 2}]
              |                  ^
        note: did you mean 'rounding'?
        """),
    BadSpecCase(name: "no identities", files: ["spec.yaml": tinySpec + "identities: 0\n"], expected: """
        spec.yaml:16:13: error: expected 'all', a count >= 1 or a list of class indices, got 0 (at identities)
           16 | identities: 0
              |             ^
        """),
    BadSpecCase(name: "output outside the current directory", files: ["spec.yaml": tiny(replacing: "output: {images: true, report: false}", with: "output: {directory: ../../etc}")], expected: """
        spec.yaml:15:21: error: output.directory must be a relative path inside the current directory, got '../../etc' (at output.directory)
           15 | output: {directory: ../../etc}
              |                     ^
        note: use `invlab run --out DIR` (or INVLAB_CACHE_DIR) to write elsewhere
        """),
    BadSpecCase(name: "several errors in one pass", files: ["spec.yaml": tiny(replacing: "seed: 3", with: "seed: -1").replacingOccurrences(of: "hidden: [8]", with: "hiden: [8]")], expected: """
        spec.yaml:3:7: error: expected an integer in [0, 2147483647], got -1 (at seed)
            3 | seed: -1
              |       ^
        spec.yaml:8:24: error: unknown key 'hiden' (at evaluator.hiden)
            8 | evaluator: {type: mlp, hiden: [8], train: {epochs: 3, batch_size: 4}}
              |                        ^
        note: did you mean 'hidden'?
        """),
    BadSpecCase(name: "misspelt judge", files: ["spec.yaml": tiny(replacing: "metrics:", with: "judges: [{type: fisherface}]\nmetrics:")], expected: """
        spec.yaml:14:17: error: unknown judge 'fisherface' (at judges[0].type)
           14 | judges: [{type: fisherface}]
              |                 ^
        note: did you mean 'fisherfaces'?
        """),
    BadSpecCase(name: "judge name used twice", files: ["spec.yaml": tiny(replacing: "metrics:", with: "judges: [{type: fisherfaces}, {type: network, name: fisherfaces}]\nmetrics:")], expected: """
        spec.yaml:14:31: error: judge name 'fisherfaces' is used twice; give each judge its own `name:` (at judges[1])
           14 | judges: [{type: fisherfaces}, {type: network, name: fisherfaces}]
              |                               ^
        """),
    BadSpecCase(name: "unknown adversarial norm", files: ["spec.yaml": tiny(replacing: "metrics:", with: "judges: [{type: network, adversarial: {norm: l3}}]\nmetrics:")], expected: """
        spec.yaml:14:46: error: unknown value 'l3' (at judges[0].adversarial.norm)
           14 | judges: [{type: network, adversarial: {norm: l3}}]
              |                                              ^
        note: did you mean 'l2'?
        """),
    BadSpecCase(name: "empty judge panel", files: ["spec.yaml": tiny(replacing: "metrics:", with: "judges: []\nmetrics:")], expected: """
        spec.yaml:14:9: error: the judge panel is empty (at judges)
           14 | judges: []
              |         ^
        note: list at least one judge, or remove `judges:` to use the default panel
        """),
    // The researcher's path: a --set or a sweep path that would be silently ignored is an error.
    BadSpecCase(name: "override of a swept key", files: ["spec.yaml": tinySpec + "sweep: {attack.iterations: [2, 3]}\n"],
                overrides: ["attack.iterations=5"], expected: """
        --set:1:1: error: --set of a swept key has no effect: the sweep sets 'attack.iterations' in every trial (at attack.iterations)
            1 | attack.iterations=5
              | ^
        note: 'attack.iterations' is swept at spec.yaml:16:9; every trial writes its sweep value there, replacing this --set
        note: to change the values the sweep takes, override the sweep instead, e.g. --set 'sweep["attack.iterations"]=[5]'
        """),
    BadSpecCase(name: "override inside a swept value",
                files: ["spec.yaml": tinySpec + "sweep: {attack.optimizer: [{type: gradient_descent, lr: 0.1}, adam]}\n"],
                overrides: ["seed=4", "attack.optimizer.lr=0.5"], expected: """
        --set:2:1: error: --set of a swept key has no effect: the sweep sets 'attack.optimizer' in every trial (at attack.optimizer.lr)
            2 | attack.optimizer.lr=0.5
              | ^
        note: 'attack.optimizer' is swept at spec.yaml:16:9; every trial writes its sweep value there, replacing this --set
        note: to change one of the swept values, override it inside the sweep, e.g. --set 'sweep["attack.optimizer"][0].lr=0.5' (item 0 of the swept list)
        """),
    BadSpecCase(name: "item of a list the spec does not have",
                files: ["spec.yaml": tiny(replacing: "  regularizers: [{type: total_variation, weight: 0.01}]\n", with: "")],
                overrides: ["attack.regularizers[0].weight=0.05"], expected: """
        --set:1:20: error: cannot index into 'attack.regularizers': there is no such key (at attack.regularizers)
            1 | attack.regularizers[0].weight=0.05
              |                    ^
        note: to create the list, set it whole (each plugin with its type), e.g. --set 'attack.regularizers=[{type: <plugin id>, weight: 0.05}]'
        """),
    BadSpecCase(name: "misspelt sweep path beside a missing key",
                files: ["spec.yaml": tiny(replacing: "name: tiny\n", with: "") + "defense: {type: dummy_recognizer, lambda: 0.25}\nsweep: {defense.lamda: [0, 0.5]}\n"],
                expected: """
        spec.yaml:1:1: error: missing required key 'name'
            1 | version: 1
              | ^
        spec.yaml:16:9: error: unknown key 'lamda' (at defense.lamda)
           16 | sweep: {defense.lamda: [0, 0.5]}
              |         ^
        note: did you mean 'lambda'?
        """),
]
