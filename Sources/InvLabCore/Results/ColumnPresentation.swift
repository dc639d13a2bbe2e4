import Foundation
import InvLabSpec

/// A panel of the sweep plots: columns that name the same panel share it.
public struct PlotPanel: Codable, Sendable, Equatable, Hashable {
    public var title: String
    public var yLabel: String
    /// Draw on the fixed [0, 1] axis when every value lies in it (rates, accuracies).
    public var unitInterval: Bool
    /// Panels are drawn by increasing rank, then in the order their first column appears.
    public var rank: Int

    public init(title: String, yLabel: String, unitInterval: Bool, rank: Int) {
        self.title = title
        self.yLabel = yLabel
        self.unitInterval = unitInterval
        self.rank = rank
    }

    /// The article's Figure 5: recognition accuracy of the published model and attack success.
    public static let figure5 = PlotPanel(title: "Recognition accuracy and attack success", yLabel: "share", unitInterval: true, rank: 0)
    public static let attackSuccess = PlotPanel(title: "Attack success", yLabel: "share of identities", unitInterval: true, rank: 1)
    public static let recognition = PlotPanel(title: "Recognition accuracy", yLabel: "accuracy", unitInterval: true, rank: 2)
    public static let evaluatorProbes = PlotPanel(title: "Evaluation classifier on probes", yLabel: "accuracy", unitInterval: true, rank: 3)
    public static let targetConfidence = PlotPanel(title: "Target confidence", yLabel: "probability", unitInterval: true, rank: 4)
    public static let judges = PlotPanel(title: "Attack success by judge", yLabel: "share of identities", unitInterval: true, rank: 5)
    public static let transfer = PlotPanel(title: "Pasted-perturbation transfer by judge", yLabel: "share of pasted faces", unitInterval: true, rank: 6)
    /// Rank of the panels that columns get to themselves (after every shared panel).
    public static let ownRank = 1000
}

/// Where a column appears in the sweep plots.
public enum PlotPlacement: Codable, Sendable, Equatable {
    /// In each of these shared panels.
    case panels([PlotPanel])
    /// In a panel of its own, titled and labelled with the column name.
    case own
    /// Not plotted (constant baselines, flags, counts that only the tables need).
    case none
}

/// A column that holds one judge's figure: the report's Judges section shows it in that judge's
/// row under `heading` (nil: in no column there), and the report's results table leaves it out.
public struct JudgeColumn: Codable, Sendable, Equatable {
    /// The judge's name in the panel.
    public var judge: String
    /// The Judges table's column heading (columns of every judge with the same heading share it).
    public var heading: String?
    /// Headings are ordered by increasing rank.
    public var rank: Int
    /// A 0/1 flag, shown as yes / NO.
    public var flag: Bool
    /// A column whose value the heading shows as its chance level, "(chance x)".
    public var chance: String?

    public init(judge: String, heading: String? = nil, rank: Int = 0, flag: Bool = false, chance: String? = nil) {
        self.judge = judge
        self.heading = heading
        self.rank = rank
        self.flag = flag
        self.chance = chance
    }

    /// The same judge, in no column of the Judges table (derived columns such as `_std`).
    public var hidden: JudgeColumn { JudgeColumn(judge: judge) }

    var json: JSONValue {
        .object([("judge", .string(judge)), ("heading", heading.map { .string($0) } ?? .null), ("rank", .integer(rank)),
                 ("flag", .bool(flag)), ("chance", chance.map { .string($0) } ?? .null)])
    }

    init?(_ record: JSONValue?) {
        guard let judge = record?["judge"]?.stringValue else { return nil }
        self.init(judge: judge, heading: record?["heading"]?.stringValue, rank: Int(record?["rank"]?.doubleValue ?? 0),
                  flag: record?["flag"] == .bool(true), chance: record?["chance"]?.stringValue)
    }
}

/// How a result column is shown besides the tables: the column declares it (in its metric), and
/// the plots, the terminal summary and the report derive from it; no column list is kept elsewhere.
public struct ColumnPresentation: Codable, Sendable, Equatable {
    public var plot: PlotPlacement
    /// Shown in the terminal summary after a run.
    public var summary: Bool
    /// Shown beside each trial's images in the report, at this position (nil: not shown).
    public var headlineRank: Int?
    /// A rate over the attacked identities (per-identity values in [0, 1]): the tables add its
    /// 95 % Wilson interval as `<name>_ci_low` and `<name>_ci_high`.
    public var interval: Bool
    /// The judge whose figure the column holds (nil: a column of the whole panel or trial).
    public var judge: JudgeColumn?

    public init(plot: PlotPlacement = .own, summary: Bool = false, headlineRank: Int? = nil, interval: Bool = false,
                judge: JudgeColumn? = nil) {
        self.plot = plot
        self.summary = summary
        self.headlineRank = headlineRank
        self.interval = interval
        self.judge = judge
    }

    /// A column only the tables show, holding judge `judge`'s figure.
    public static func tableOnly(judge: JudgeColumn) -> ColumnPresentation { ColumnPresentation(plot: .none, judge: judge) }

    /// A plotted-alone column that neither the summary nor the headline shows (the default).
    public static let plain = ColumnPresentation()
    /// A column only the tables show.
    public static let tableOnly = ColumnPresentation(plot: .none)
}

/// The declared columns as run.json records them (`columns`), so that `invlab report` rebuilds
/// plots, summaries and descriptions from the run's files alone.
public enum ColumnRecords {
    /// `{name: {description, plot, summary, headline_rank[, judge]}}` for every metric column.
    public static func json(_ columns: ResultColumns) -> JSONValue {
        .object(columns.metricColumns.map { name in
            let presentation = columns.presentation(of: name)
            let plot: JSONValue
            switch presentation.plot {
            case .own: plot = "own"
            case .none: plot = "none"
            case .panels(let panels):
                plot = .array(panels.map { .object([("title", .string($0.title)), ("y_label", .string($0.yLabel)),
                                                    ("unit_interval", .bool($0.unitInterval)), ("rank", .integer($0.rank))]) })
            }
            var record: [(key: String, value: JSONValue)] = [
                ("description", .string(columns.descriptions[name] ?? "")), ("plot", plot), ("summary", .bool(presentation.summary)),
                ("headline_rank", presentation.headlineRank.map { .integer($0) } ?? .null),
            ]
            if let judge = presentation.judge { record.append(("judge", judge.json)) }
            return (name, .object(record))
        })
    }

    /// Descriptions and presentations read back from run.json's `columns` (empty when absent).
    static func read(_ document: JSONValue?) -> (descriptions: [String: String], presentation: [String: ColumnPresentation]) {
        guard case .object(let members)? = document else { return ([:], [:]) }
        var descriptions: [String: String] = [:], presentation: [String: ColumnPresentation] = [:]
        for (name, record) in members {
            if let text = record["description"]?.text, !text.isEmpty { descriptions[name] = text }
            var item = ColumnPresentation.plain
            switch record["plot"] {
            case .string("none")?: item.plot = .none
            case .array(let panels)?:
                item.plot = .panels(panels.compactMap { panel in
                    guard case .string(let title)? = panel["title"], case .string(let label)? = panel["y_label"],
                          case .bool(let unit)? = panel["unit_interval"], let rank = panel["rank"]?.doubleValue else { return nil }
                    return PlotPanel(title: title, yLabel: label, unitInterval: unit, rank: Int(rank))
                })
            default: item.plot = .own
            }
            if case .bool(let flag)? = record["summary"] { item.summary = flag }
            if let rank = record["headline_rank"]?.doubleValue { item.headlineRank = Int(rank) }
            item.judge = JudgeColumn(record["judge"])
            presentation[name] = item
        }
        return (descriptions, presentation)
    }
}
