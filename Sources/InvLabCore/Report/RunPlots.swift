import Foundation

/// Line plots of a run's metrics against each numeric sweep key: `plots/<key>.svg`.
public enum RunPlots {
    /// Sweep keys whose every recorded value is a number (in column order).
    public static func numericKeys(_ outcomes: [TrialOutcome], columns: ResultColumns) -> [String] {
        columns.sweepKeys.filter { key in
            let cells = outcomes.compactMap { $0.sweep.first { $0.key == key } }
            return !cells.isEmpty && cells.allSatisfy { $0.number?.isFinite == true }
        }
    }

    /// File names for the keys' plots (`plots/<name>.svg`): characters outside `A-Za-z0-9._-`
    /// become `_`, a leading dot is replaced, and clashes get `-2`, `-3`, ....
    public static func fileNames(for keys: [String]) -> [String: String] {
        var names: [String: String] = [:], used: Set<String> = []
        for key in keys {
            var base = String(key.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
            if base.isEmpty { base = "sweep" }
            if base.hasPrefix(".") { base = "_" + base.dropFirst() }
            var name = base, suffix = 2
            while used.contains(name) { name = "\(base)-\(suffix)"; suffix += 1 }
            used.insert(name)
            names[key] = name + ".svg"
        }
        return names
    }

    /// The panels for sweep key `key`, as the columns declare them (`ColumnPresentation.plot`):
    /// shared panels by rank and first appearance (skipping one whose lines an earlier panel
    /// already shows), then one panel per column that asks for its own. Trials that differ in
    /// other sweep keys become separate lines (dash patterns). A column with `_ci_low` /
    /// `_ci_high` columns (a rate's Wilson interval; with seeds, every pooled column's interval
    /// over seeds) is drawn with its interval as a band; others with ± `_std` error bars.
    static func panels(key: String, outcomes: [TrialOutcome], columns: ResultColumns) -> [LineChart] {
        let trials = outcomes.filter { outcome in outcome.sweep.contains { $0.key == key && $0.number?.isFinite == true } }
        let plottable = columns.metricColumns.filter { column in
            !ReportTables.isStd(column, columns) && trials.contains { $0.values[column]?.isFinite == true }
        }
        guard !plottable.isEmpty else { return [] }
        let others = columns.sweepKeys.filter { $0 != key }
        var combinations: [[String]] = []
        for trial in trials {
            let combination = others.map { other in trial.sweep.first { $0.key == other }?.text ?? "" }
            if !combinations.contains(combination) { combinations.append(combination) }
        }
        var panels: [LineChart] = []
        var drawn: [Set<String>] = []
        func panel(title: String, members: [String], yLabel: String, unit: Bool) {
            // A panel that would only repeat lines of an earlier one is left out.
            guard !members.isEmpty, !drawn.contains(where: { $0.isSuperset(of: members) }) else { return }
            drawn.append(Set(members))
            var series: [ChartSeries] = []
            for (dashIndex, combination) in combinations.enumerated() {
                let matching = trials.filter { trial in others.enumerated().allSatisfy { position, other in
                    (trial.sweep.first { $0.key == other }?.text ?? "") == combination[position]
                } }
                let sorted = matching.sorted { (x(key, $0), $0.index) < (x(key, $1), $1.index) }
                let suffix = others.isEmpty ? "" : " (" + zip(others, combination).map { "\($0) = \($1)" }.joined(separator: ", ") + ")"
                for (colorIndex, column) in members.enumerated() {
                    let points = sorted.map { trial in
                        ChartPoint(x: x(key, trial), y: trial.values[column].flatMap { $0.isFinite ? $0 : nil },
                                   error: trial.values[column + "_std"].flatMap { $0.isFinite ? $0 : nil },
                                   low: trial.values[column + "_ci_low"], high: trial.values[column + "_ci_high"])
                    }
                    guard points.contains(where: { $0.y != nil }) else { continue }
                    series.append(ChartSeries(label: column + suffix, points: points, colorIndex: colorIndex, dashIndex: dashIndex))
                }
            }
            guard !series.isEmpty else { return }
            panels.append(LineChart(title: title, xLabel: key, yLabel: yLabel, series: series, preferUnitInterval: unit))
        }
        var shared: [(panel: PlotPanel, first: Int, members: [String])] = []
        var own: [String] = []
        for (position, column) in plottable.enumerated() {
            switch columns.presentation(of: column).plot {
            case .panels(let list):
                for item in list {
                    if let index = shared.firstIndex(where: { $0.panel.title == item.title }) {
                        shared[index].members.append(column)
                    } else {
                        shared.append((item, position, [column]))
                    }
                }
            case .own: own.append(column)
            case .none: break
            }
        }
        for group in shared.sorted(by: { ($0.panel.rank, $0.first) < ($1.panel.rank, $1.first) }) {
            panel(title: group.panel.title, members: group.members, yLabel: group.panel.yLabel, unit: group.panel.unitInterval)
        }
        for column in own { panel(title: column, members: [column], yLabel: column, unit: false) }
        return panels
    }

    /// The SVG document for one key, or nil when nothing can be plotted against it.
    public static func svg(key: String, outcomes: [TrialOutcome], columns: ResultColumns) -> String? {
        let charts = panels(key: key, outcomes: outcomes, columns: columns)
        guard !charts.isEmpty else { return nil }
        return SVG.document(title: "Metrics against \(key)", panels: charts)
    }

    private static func x(_ key: String, _ trial: TrialOutcome) -> Double {
        trial.sweep.first { $0.key == key }?.number ?? .nan
    }
}
