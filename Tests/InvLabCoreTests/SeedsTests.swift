import Foundation
import InvLabBuiltins
import InvLabCore
import InvLabSpec
import Testing

/// `tinySpec` with a 2-point sweep and neither images nor a report (the spec of the tables in
/// Tests/Fixtures/NoSeedsTables, written before `seeds:` existed).
let noSeedsSpec = tiny(replacing: "output: {images: true, report: false}", with: "output: {images: false, report: false}")
    + "sweep: {attack.iterations: [2, 4]}\n"

/// Bad `seeds:` keys and their exact diagnostics.
let seedsBadSpecCases: [BadSpecCase] = [
    BadSpecCase(name: "seeds not a list", files: ["spec.yaml": tinySpec + "seeds: 3\n"], expected: """
        spec.yaml:16:8: error: expected a list of seeds (integers in [0, 2147483647]), got an integer 3 (at seeds)
           16 | seeds: 3
              |        ^
        note: write `seeds: [3]` for one seed, or `seed: 3` to run every trial once
        """),
    BadSpecCase(name: "seeds a mapping", files: ["spec.yaml": tinySpec + "seeds: {first: 1}\n"], expected: """
        spec.yaml:16:8: error: expected a list of seeds (integers in [0, 2147483647]), got a mapping (at seeds)
           16 | seeds: {first: 1}
              |        ^
        note: list the seeds to repeat every trial with, e.g. `seeds: [0, 1, 2]`
        """),
    BadSpecCase(name: "duplicate seed", files: ["spec.yaml": tinySpec + "seeds: [1, 2, 1]\n"], expected: """
        spec.yaml:16:15: error: seed 1 is listed twice (at seeds[2])
           16 | seeds: [1, 2, 1]
              |               ^
        note: first listed at spec.yaml:16:9; each seed runs every trial once
        """),
    BadSpecCase(name: "empty seeds", files: ["spec.yaml": tinySpec + "seeds: []\n"], expected: """
        spec.yaml:16:8: error: `seeds` needs at least one seed, got an empty list (at seeds)
           16 | seeds: []
              |        ^
        note: remove `seeds:` to run every trial once with the spec's `seed`
        """),
    BadSpecCase(name: "negative seed", files: ["spec.yaml": tinySpec + "seeds: [1, -2]\n"], expected: """
        spec.yaml:16:12: error: expected an integer in [0, 2147483647], got -2 (at seeds[1])
           16 | seeds: [1, -2]
              |            ^
        """),
    BadSpecCase(name: "seeds with a sweep over seed",
                files: ["spec.yaml": tinySpec + "seeds: [0, 1]\nsweep: {attack.iterations: [2, 4], seed: [0, 1]}\n"], expected: """
        spec.yaml:17:36: error: `seeds` and a sweep over `seed` both set the seed (at sweep.seed)
           17 | sweep: {attack.iterations: [2, 4], seed: [0, 1]}
              |                                    ^
        note: remove `seed` from `sweep:` and list its values in `seeds:` (rows pooled over seeds), or remove `seeds:` (one row per seed, not pooled)
        """),
]

/// The cells of a CSV text by column name, one dictionary per row.
private func csvRows(_ text: String) -> [[String: String]] {
    let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    guard let header = lines.first else { return [] }
    return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
}

@Suite("Seeds: trials per seed, pooled tables, interval bands")
struct SeedsTests {
    @Test("each bad seeds key", arguments: seedsBadSpecCases)
    func badSeeds(_ testCase: BadSpecCase) throws {
        let fixture = try SpecFixture(files: testCase.files)
        defer { fixture.remove() }
        #expect(try fixture.diagnostics(overrides: testCase.overrides) == testCase.expected, "\(testCase.name)")
    }

    @Test("inherit: a child's sweep replaces its parent's (3 trials, not 3 x 3); a child without one inherits it")
    func childSweepReplacesParentSweep() throws {
        let fixture = try SpecFixture(files: [
            "parent.yaml": tinySpec + "sweep:\n  attack.iterations: [2, 3, 4]\n",
            "child.yaml": "inherit: parent.yaml\nsweep:\n  attack.optimizer.lr: [0.1, 0.2, 0.3]\n",
            "plain.yaml": "inherit: parent.yaml\nname: plain\n",
        ])
        defer { fixture.remove() }
        let child = try fixture.load("child.yaml")
        #expect(child.trials.count == 3)
        #expect(child.trials.map { $0.assignments.map(\.path.description) } == Array(repeating: ["attack.optimizer.lr"], count: 3),
                "only the child's sweep: \(child.trials)")
        #expect(try fixture.load("plain.yaml").trials.count == 3)
    }

    @Test("seeds: [1, 2] with a 2-point sweep runs 4 trials and pools them into 2 rows")
    func pooledTable() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": noSeedsSpec + "seeds: [1, 2]\n"])
        defer { fixture.remove() }
        let loaded = try fixture.load()
        #expect(loaded.trials.count == 4)
        #expect(try loaded.spec(of: loaded.trials[1]).seed == 2 && loaded.spec(of: loaded.trials[2]).seed == 1)
        #expect(try loaded.spec(of: loaded.trials[2]).attack == loaded.spec(of: loaded.trials[3]).attack)
        let summary = try runSpec(fixture, out: "run")
        #expect(summary.outcomes.count == 4 && summary.outcomes.allSatisfy { $0.status == .completed })
        let results = try text(summary.directory, "results.csv")
        #expect(results.hasPrefix("trial,attack.iterations,seed,status,attack_top1,"))
        let trials = csvRows(results)
        #expect(trials.map { $0["attack.iterations"]! + "/" + $0["seed"]! } == ["2/1", "2/2", "4/1", "4/2"])

        let pooledText = try text(summary.directory, "results_pooled.csv")
        #expect(pooledText.hasPrefix("point,attack.iterations,status,seeds,attack_top1,attack_top1_seed_std,attack_top1_ci_low,attack_top1_ci_high,attack_top1_wilson_ci_low,attack_top1_wilson_ci_high,"))
        let pooled = csvRows(pooledText)
        #expect(pooled.count == 2)
        #expect(pooled.map { $0["attack.iterations"]! } == ["2", "4"] && pooled.allSatisfy { $0["seeds"] == "2" && $0["status"] == "completed" })
        // By hand, from results.csv: mean, sample std (n - 1 = 1) and mean +- t(0.975, 1) * std / sqrt(2) of each point's two rows.
        for (point, row) in pooled.enumerated() {
            for column in ["attack_top1", "target_confidence", "accuracy", "queries", "iterations"] {
                let a = Double(trials[2 * point][column]!)!, b = Double(trials[2 * point + 1][column]!)!
                let mean = (a + b) / 2, std = abs(a - b) / 2.0.squareRoot()
                #expect(abs(Double(row[column]!)! - mean) < 1e-5 * max(1, abs(mean)), "\(column) mean at point \(point)")
                #expect(abs(Double(row[column + "_seed_std"]!)! - std) < 1e-5 * max(1, std), "\(column) std at point \(point)")
                var (low, high) = (mean - 12.706204736 * std / 2.0.squareRoot(), mean + 12.706204736 * std / 2.0.squareRoot())
                if column == "attack_top1" { (low, high) = (max(0, low), min(1, high)) }
                #expect(abs(Double(row[column + "_ci_low"]!)! - low) < 1e-5 * max(1, abs(low)), "\(column) ci_low at point \(point)")
                #expect(abs(Double(row[column + "_ci_high"]!)! - high) < 1e-5 * max(1, abs(high)), "\(column) ci_high at point \(point)")
            }
            // The Wilson interval over the attacked identities of both seeds (targets.csv).
            let identities = csvRows(try text(summary.directory, "targets.csv"))
                .filter { Int($0["trial"]!)! / 2 == point }.map { Double($0["attack_top1"]!)! }
            #expect(identities.count == 8)
            let wilson = WilsonInterval.bounds(rate: identities.reduce(0, +) / 8, trials: 8)
            #expect(abs(Double(row["attack_top1_wilson_ci_low"]!)! - wilson.lower) < 1e-5)
            #expect(abs(Double(row["attack_top1_wilson_ci_high"]!)! - wilson.upper) < 1e-5)
            #expect(row["attack_top1_std"] == nil && row["target_confidence_std"] == nil)
        }
        // The seeds differ somewhere (the check above is not only of zeros).
        #expect(pooled.contains { row in ["target_confidence", "attack_top1"].contains { Double(row[$0 + "_seed_std"]!)! > 0 } })
        let markdown = try text(summary.directory, "results_pooled.md")
        #expect(markdown.hasPrefix("| point | attack.iterations | status | seeds | attack_top1 |") && markdown.contains("t-interval"))
        // `invlab report` rebuilds the same pooled table and plots from the files alone (run.json's resolved spec has the seeds).
        try FileManager.default.removeItem(at: summary.directory.appendingPathComponent("results_pooled.csv"))
        try RunReport.build(runDirectory: summary.directory)
        #expect(try text(summary.directory, "results_pooled.csv") == pooledText)
        let svg = try text(summary.directory, "plots/attack.iterations.svg")
        #expect(svg.contains("class=\"ci-band\"") && !svg.contains(">seed<"))
        #expect(!FileManager.default.fileExists(atPath: summary.directory.appendingPathComponent("plots/seed.svg").path))
        let report = try text(summary.directory, "report.html")
        #expect(report.contains("Pooled over seeds") && report.contains("Per seed"))
    }

    @Test("a seeds run in 2 shards merges into the one-process tables, pooled table and run.json's resolved spec included")
    func shardedSeeds() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": noSeedsSpec + "seeds: [1, 2]\n"])
        defer { fixture.remove() }
        let single = try runSpec(fixture, out: "single")
        var merged: RunSummary?
        for shard in 1...2 {
            let summary = try shardRunner(fixture, out: "sharded").run(shard: try ShardSelection(parsing: "\(shard)/2"), chunk: nil)
            #expect(summary.failed.isEmpty)
            merged = summary.merged ?? merged
        }
        #expect(merged?.outcomes.count == 4)
        let directory = fixture.directory.appendingPathComponent("sharded")
        for name in ["results.csv", "results_pooled.csv", "results_pooled.md", "targets.csv"] {
            #expect(try text(directory, name) == text(single.directory, name), "\(name) differs from the one-process run")
        }
        // The merge keeps run.json's other keys (the report finds the seeds in its resolved spec).
        let info = try JSONValue.parse(Data(contentsOf: directory.appendingPathComponent("run.json")))
        #expect(info["resolved_spec"]?["seeds"] != nil && info["spec_hash"] != nil && info["status"] == "completed")
        #expect(try RunFiles(url: directory).columns.seedKey == "seed")
    }

    @Test("a spec without seeds writes the tables it wrote before seeds existed, byte for byte")
    func noSeedsTablesUnchanged() throws {
        let fixture = try SpecFixture(files: ["spec.yaml": noSeedsSpec])
        defer { fixture.remove() }
        let summary = try runSpec(fixture, out: "run")
        let expected = repositoryRoot.appendingPathComponent("Tests/Fixtures/NoSeedsTables")
        for name in ["results.csv", "results.md", "targets.csv"] {
            #expect(try text(summary.directory, name) == text(expected, name), "\(name) changed")
        }
        for name in ["results_pooled.csv", "results_pooled.md"] {
            #expect(!FileManager.default.fileExists(atPath: summary.directory.appendingPathComponent(name).path))
        }
        #expect(try !text(summary.directory, "run.json").contains("\"seeds\""))
        #expect(summary.columns.seedKey == nil)
    }

    @Test("the t quantile and the interval over seeds")
    func tInterval() {
        #expect(SeedPooling.tQuantile975(degreesOfFreedom: 1) == 12.706204736)
        #expect(abs(SeedPooling.tQuantile975(degreesOfFreedom: 31) - 2.039513446) < 1e-7)
        #expect(abs(SeedPooling.tQuantile975(degreesOfFreedom: 100) - 1.983971519) < 1e-7)
        let stats = SeedPooling.meanStdInterval([1, 2, 3, .nan])
        #expect(stats.mean == 2 && stats.std == 1)
        #expect(abs(stats.low - (2 - 4.302652730 / 3.0.squareRoot())) < 1e-12)
        let rate = SeedPooling.meanStdInterval([0, 1], clipToUnit: true)
        #expect(rate.low == 0 && rate.high == 1)
        let single = SeedPooling.meanStdInterval([0.5])
        #expect(single.mean == 0.5 && single.std.isNaN && single.low.isNaN)
    }

    @Test("plots draw a rate's interval as a band, and none for a column without one")
    func plotBands() throws {
        let columns = ResultColumns(sweepKeys: ["lambda"], metricColumns: ["rate", "rate_std", "rate_ci_low", "rate_ci_high", "loss", "loss_std"],
                                    identityColumns: ["rate", "loss"], descriptions: [:],
                                    presentation: ["rate": .plain, "rate_ci_low": .tableOnly, "rate_ci_high": .tableOnly, "loss": .plain,
                                                   "rate_std": .tableOnly, "loss_std": .tableOnly])
        let outcomes = [0.0, 0.5, 1.0].enumerated().map { index, lambda in
            TrialOutcome(index: index, sweep: [SweepCell(key: "lambda", text: "\(lambda)", number: lambda)], status: .completed, error: nil,
                         values: ["rate": 0.5 - 0.2 * lambda, "rate_std": 0.5, "rate_ci_low": 0.2 - 0.1 * lambda, "rate_ci_high": 0.8 - 0.2 * lambda,
                                  "loss": 2 + lambda, "loss_std": 0.3],
                         identities: [], timings: [:], evaluatorIsTarget: false)
        }
        let svg = try #require(RunPlots.svg(key: "lambda", outcomes: outcomes, columns: columns))
        let panels = svg.components(separatedBy: "<g class=\"panel\">").dropFirst()
        let rate = try #require(panels.first { $0.contains(">rate</text>") })
        let loss = try #require(panels.first { $0.contains(">loss</text>") })
        #expect(rate.components(separatedBy: "class=\"ci-band\"").count == 2)
        #expect(!loss.contains("ci-band") && !loss.contains("ci-bar"))
        // The loss keeps its +- std error bars; the rate's band replaces them.
        #expect(loss.contains("stroke-width=\"1.2\"") && !rate.contains("stroke-width=\"1.2\""))
        // A lone point with an interval gets a bar.
        let lone = try #require(RunPlots.svg(key: "lambda", outcomes: [outcomes[1]], columns: columns))
        #expect(lone.contains("class=\"ci-bar\"") && !lone.contains("ci-band"))
    }
}
