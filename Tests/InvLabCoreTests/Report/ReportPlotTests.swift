import Foundation
import InvLabCore
import Testing

/// The SVG plots of a sweep.
@Suite struct ReportPlotTests {
    @Test func plotIsDeterministicAndPairsAccuracyWithAttackSuccess() throws {
        let outcomes = ReportTestKit.lambdaOutcomes()
        let svg = try #require(RunPlots.svg(key: "defense.lambda", outcomes: outcomes, columns: ReportTestKit.columns))
        #expect(RunPlots.svg(key: "defense.lambda", outcomes: outcomes, columns: ReportTestKit.columns) == svg)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.hasSuffix("</svg>\n"))
        // Panels: Figure 5 (accuracy with attack_top1), then knn_distance alone; the attack-success and
        // recognition-accuracy groups would only repeat Figure 5's lines here.
        let panels = svg.components(separatedBy: "<g class=\"panel\">").dropFirst()
        #expect(panels.count == 2)
        let figure5 = try #require(panels.first)
        #expect(figure5.contains(">Recognition accuracy and attack success</text>"))
        #expect(figure5.contains(">attack_top1</text>") && figure5.contains(">accuracy</text>"))
        #expect(ReportTestKit.count("<polyline", in: figure5) == 2)
        // attack_top1 has a standard deviation (error bars), accuracy has none.
        #expect(ReportTestKit.count("<path d=", in: figure5) == 3)
        #expect(figure5.contains(">defense.lambda</text>"))
        // Rates use the fixed [0, 1] axis.
        for tick in ["0", "0.2", "0.4", "0.6", "0.8", "1"] { #expect(figure5.contains(">\(tick)</text>"), "tick \(tick)") }
        let distance = try #require(panels.last)
        #expect(distance.contains(">knn_distance</text>") && !distance.contains(">accuracy</text>"))
        #expect(!svg.contains("_std"))
    }

    @Test func seriesFollowTheSweepValues() throws {
        // attack_top1 = 0.8 - lambda: the line must descend (larger SVG y) from left to right.
        let outcomes = ReportTestKit.lambdaOutcomes([0.5, 0, 0.25])
        let svg = try #require(RunPlots.svg(key: "defense.lambda", outcomes: outcomes, columns: ReportTestKit.columns))
        let figure5 = svg.components(separatedBy: "<g class=\"panel\">")[1]
        let polylines = figure5.components(separatedBy: "<polyline points=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        // Series order: table order (attack_top1, then accuracy).
        let points = polylines[0].split(separator: " ").map { $0.split(separator: ",").map { Double($0)! } }
        #expect(points.count == 3)
        #expect(points[0][0] < points[1][0] && points[1][0] < points[2][0])
        #expect(points[0][1] < points[1][1] && points[1][1] < points[2][1])
    }

    @Test func otherSweepKeysSplitTheLinesAndStringKeysAreNotAxes() throws {
        var outcomes: [TrialOutcome] = []
        for (index, (attack, lambda)) in [("miface", 0.0), ("miface", 0.5), ("gmi", 0.0), ("gmi", 0.5)].enumerated() {
            outcomes.append(TrialOutcome(index: index, sweep: [SweepCell(key: "attack.type", text: attack, number: nil),
                                                               SweepCell(key: "defense.lambda", text: formatNumber(lambda), number: lambda)],
                                         status: .completed, error: nil, values: ["attack_top1": 0.5 - lambda / 2, "accuracy": 0.9],
                                         identities: [], timings: [:], evaluatorIsTarget: false))
        }
        let columns = ResultColumns(sweepKeys: ["attack.type", "defense.lambda"], metricColumns: ["attack_top1", "accuracy"], identityColumns: [],
                                    descriptions: [:])
        #expect(RunPlots.numericKeys(outcomes, columns: columns) == ["defense.lambda"])
        #expect(RunPlots.svg(key: "attack.type", outcomes: outcomes, columns: columns) == nil)
        let svg = try #require(RunPlots.svg(key: "defense.lambda", outcomes: outcomes, columns: columns))
        #expect(svg.contains(">attack_top1 (attack.type = miface)</text>"))
        #expect(svg.contains(">attack_top1 (attack.type = gmi)</text>"))
        #expect(svg.contains("stroke-dasharray=\"7 4\""))
    }

    @Test func missingAndInfiniteValuesBreakTheLineInsteadOfPlotting() throws {
        var outcomes = ReportTestKit.lambdaOutcomes([0, 0.25, 0.5, 0.75])
        outcomes[1].values["knn_distance"] = .nan
        outcomes[2].values["knn_distance"] = .infinity
        let svg = try #require(RunPlots.svg(key: "defense.lambda", outcomes: outcomes, columns: ReportTestKit.columns))
        let distance = try #require(svg.components(separatedBy: "<g class=\"panel\">").last)
        // Two isolated points left: no line, two markers in the plot plus one in the legend.
        #expect(ReportTestKit.count("<polyline", in: distance) == 0)
        #expect(ReportTestKit.count("<circle", in: distance) == 3)
        #expect(!svg.contains("nan") && !svg.contains("inf"))
    }

    @Test func columnsDeclareWhichPanelTheyShare() throws {
        let everything = PlotPanel(title: "Everything", yLabel: "value", unitInterval: false, rank: 0)
        var columns = ReportTestKit.columns
        for column in ["attack_top1", "knn_distance", "accuracy"] { columns.presentation[column] = ColumnPresentation(plot: .panels([everything])) }
        let svg = try #require(RunPlots.svg(key: "defense.lambda", outcomes: ReportTestKit.lambdaOutcomes(), columns: columns))
        #expect(ReportTestKit.count("<g class=\"panel\">", in: svg) == 1)
        #expect(ReportTestKit.count("<polyline", in: svg) == 3)
        // knn_distance reaches 12 + 1.5: the axis is not clipped to [0, 1] but runs to the next nice tick.
        #expect(svg.contains(">10</text>") && svg.contains(">15</text>"))
    }

    @Test func sweepsOverDecadesUseALogarithmicAxis() throws {
        let rates = [0.0001, 0.001, 0.01, 0.1]
        let outcomes = rates.enumerated().map { index, rate in
            TrialOutcome(index: index, sweep: [SweepCell(key: "attack.optimizer.lr", text: formatNumber(rate), number: rate)], status: .completed,
                         error: nil, values: ["attack_top1": 0.25 * Double(index)], identities: [], timings: [:], evaluatorIsTarget: false)
        }
        let columns = ResultColumns(sweepKeys: ["attack.optimizer.lr"], metricColumns: ["attack_top1"], identityColumns: [], descriptions: [:])
        let svg = try #require(RunPlots.svg(key: "attack.optimizer.lr", outcomes: outcomes, columns: columns))
        #expect(svg.contains(">attack.optimizer.lr (log scale)</text>"))
        for tick in ["1e-4", "1e-3", "1e-2", "1e-1"] { #expect(svg.contains(">\(tick)</text>"), "tick \(tick)") }
        // Equal ratios are equal distances.
        let line = try #require(svg.components(separatedBy: "<polyline points=\"").dropFirst().first?.prefix { $0 != "\"" })
        let xs = line.split(separator: " ").map { Double($0.split(separator: ",")[0])! }
        #expect(xs.count == 4)
        #expect(abs((xs[1] - xs[0]) - (xs[3] - xs[2])) < 0.02)
    }

    @Test func aSingleTrialIsAMarkerWithoutALine() throws {
        let svg = try #require(RunPlots.svg(key: "defense.lambda", outcomes: ReportTestKit.lambdaOutcomes([0.25]), columns: ReportTestKit.columns))
        #expect(!svg.contains("<polyline"))
        #expect(svg.contains(">0.25</text>"))
    }

    @Test func fileNamesAreSanitisedAndUnique() {
        let names = RunPlots.fileNames(for: ["defense.lambda", "attack.regularizers[0].weight", "attack/regularizers(0).weight", ".hidden", "é"])
        #expect(names["defense.lambda"] == "defense.lambda.svg")
        #expect(names["attack.regularizers[0].weight"] == "attack.regularizers_0_.weight.svg")
        #expect(names["attack/regularizers(0).weight"] == "attack_regularizers_0_.weight.svg")
        #expect(names[".hidden"] == "_hidden.svg")
        #expect(names["é"] == "_.svg")
        let clash = RunPlots.fileNames(for: ["a[0]", "a(0)"])
        #expect(clash["a[0]"] == "a_0_.svg" && clash["a(0)"] == "a_0_-2.svg")
    }
}
