import Foundation
import InvLabSpec

/// The report's "Judges" section: who decided attack success, and how each judge did on its
/// validity tests in every trial (pasted-perturbation transfer, clean accuracy, dose).
enum JudgeSection {
    /// Column prefixes that belong to one judge (`<prefix>…_<judge name>`).
    static let perJudgePrefixes = ["attack_top", "transfer_", "judge_accuracy_", "valid_", "dose_top1_"]

    /// The judge names recorded in run.json (`judges[].name`), in panel order.
    static func names(_ run: RunFiles) -> [String] {
        guard case .array(let judges)? = run.info["judges"] else { return [] }
        return judges.compactMap { $0["name"]?.text }
    }

    /// True for a column that the Judges section shows instead of the results table.
    static func isPerJudge(_ column: String, names: [String]) -> Bool {
        if column.hasPrefix("dose_") && names.contains(where: { column.hasPrefix("dose_\($0)_") }) { return true }
        let base = column.hasSuffix("_std") ? String(column.dropLast(4)) : column
        return names.contains { name in base.hasSuffix("_" + name) && perJudgePrefixes.contains { base.hasPrefix($0) } }
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
        let columns = ["judge", "attack_top1", "transfer", "transfer_control", "judge_accuracy", "valid", "dose_top1"]
        for outcome in run.outcomes.sorted(by: { $0.index < $1.index }) where outcome.status == .completed {
            let sweep = outcome.sweep.map { "\($0.key) = \($0.text)" }.joined(separator: ", ")
            out += "<h3>Trial \(outcome.index)\(sweep.isEmpty ? "" : ": " + HTML.escape(sweep))</h3>\n"
            let chance = outcome.values["transfer_chance"].map { " (chance \(HTML.number($0)))" } ?? ""
            let rows = names.map { name -> [String] in
                [name] + ["attack_top1_", "transfer_", "transfer_control_", "judge_accuracy_", "valid_", "dose_top1_"].map { prefix in
                    guard let value = outcome.values[prefix + name] else { return "" }
                    if prefix == "valid_" { return value == 1 ? "yes" : (value == 0 ? "NO" : "") }
                    return HTML.number(value)
                }
            }
            out += HTML.table(TextTable(columns: columns.map { $0 == "transfer" ? "transfer" + chance : $0 }, rows: rows), className: "judges")
        }
        return out
    }
}
