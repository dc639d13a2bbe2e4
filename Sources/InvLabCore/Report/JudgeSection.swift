import Foundation
import InvLabSpec

/// The report's "Judges" section: who decided attack success, and how each judge did on its
/// validity tests in every trial (pasted-perturbation transfer, clean accuracy, dose).
enum JudgeSection {
    /// The judge names recorded in run.json (`judges[].name`), in panel order.
    static func names(_ run: RunFiles) -> [String] {
        guard case .array(let judges)? = run.info["judges"] else { return [] }
        return judges.compactMap { $0["name"]?.text }
    }

    /// True for a column that holds one judge's figure (its metric declares it): the Judges
    /// section shows it instead of the results table.
    static func isPerJudge(_ column: String, in columns: ResultColumns) -> Bool {
        columns.presentation[column]?.judge != nil
    }

    /// The Judges table's headings, by rank, each with the judge columns under it.
    static func headings(_ columns: ResultColumns) -> [(heading: String, cells: [String: (column: String, cell: JudgeColumn)])] {
        var byHeading: [String: [String: (column: String, cell: JudgeColumn)]] = [:], ranks: [String: Int] = [:]
        for column in columns.metricColumns {
            guard let cell = columns.presentation[column]?.judge, let heading = cell.heading else { continue }
            byHeading[heading, default: [:]][cell.judge] = (column, cell)
            ranks[heading] = min(ranks[heading] ?? cell.rank, cell.rank)
        }
        return byHeading.keys.sorted { (ranks[$0]!, $0) < (ranks[$1]!, $1) }.map { ($0, byHeading[$0]!) }
    }

    static func html(_ run: RunFiles) -> String {
        let names = names(run)
        guard !names.isEmpty, case .array(let judges)? = run.info["judges"] else {
            return "<p>run.json records no judge panel (a run made before judges existed, or no trial started).</p>\n"
        }
        var out = "<p>Attack success (<code>attack_top1</code>) is the majority verdict of the judges that pass the validity tests in every trial of this run (an even split counts as half a success), so that all rows are judged by the same panel: not the target; the <em>pasted-perturbation test</em> (each reconstruction's change from its start image, added to other people's faces, must not be assigned to the target more often than a clean change of the same movement toward the person: an excess above chance with a significant sign test fails); at least 0.5 accuracy on clean private test faces. A trial without a valid judge has no headline (NaN).</p>\n"
        let describe: [(String, String)] = judges.map { judge in
            let parts = ["type", "source", "model", "downsample"].compactMap { key -> String? in
                guard let value = judge[key], value != .null else { return nil }
                return "\(key): \(value.text)"
            }
            var text = parts.joined(separator: "; ")
            if case .object(let members)? = judge["adversarial"] {
                text += "; adversarial training: " + members.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.text)" }.joined(separator: ", ")
            }
            return (judge["name"]?.text ?? "?", text)
        }
        out += HTML.keyValues(describe)
        let valid = JudgeConsensus.runValidJudges(run.outcomes)
        out += "<p>Valid in every trial, and so deciding the headline: <strong>\(valid.isEmpty ? "no judge (the headline is missing)" : HTML.escape(valid.joined(separator: ", ")))</strong>.</p>\n"
        let headings = headings(run.columns)
        for outcome in run.outcomes.sorted(by: { $0.index < $1.index }) where outcome.status == .completed {
            let sweep = outcome.sweep.map { "\($0.key) = \($0.text)" }.joined(separator: ", ")
            out += "<h3>Trial \(outcome.index)\(sweep.isEmpty ? "" : ": " + HTML.escape(sweep))</h3>\n"
            let titles = headings.map { heading, cells in
                let chance = cells.values.lazy.compactMap(\.cell.chance).first.flatMap { outcome.values[$0] }
                return heading + (chance.map { " (chance \(HTML.number($0)))" } ?? "")
            }
            let rows = names.map { name -> [String] in
                [name] + headings.map { _, cells in
                    guard let (column, cell) = cells[name], let value = outcome.values[column] else { return "" }
                    if cell.flag { return value == 1 ? "yes" : (value == 0 ? "NO" : "") }
                    return HTML.number(value)
                }
            }
            out += HTML.table(TextTable(columns: ["judge"] + titles, rows: rows), className: "judges")
        }
        return out
    }
}
