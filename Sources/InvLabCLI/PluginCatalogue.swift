import Foundation
import InvLabCore

/// The plugin catalogue, as terminal text or as the Markdown of docs/catalogue.md.
public enum PluginCatalogue {
    /// Markdown: a heading per kind, a sub-heading per plugin, its summary, documentation, a key
    /// table and its example.
    public static func markdown(_ registries: Registries, kind: PluginKind? = nil) -> String {
        var lines: [String] = []
        for current in PluginKind.allCases where kind == nil || kind == current {
            let descriptors = registries.descriptors(of: current)
            guard !descriptors.isEmpty else { continue }
            lines.append("## \(current.plural.prefix(1).uppercased() + current.plural.dropFirst())")
            lines.append("")
            for descriptor in descriptors {
                lines.append("### `\(descriptor.id)`")
                lines.append("")
                lines.append(descriptor.summary + " _(module \(descriptor.module))_")
                lines.append("")
                if !descriptor.documentation.isEmpty {
                    lines.append(descriptor.documentation)
                    lines.append("")
                }
                if !descriptor.fields.isEmpty {
                    lines.append("| key | type | default | description |")
                    lines.append("|---|---|---|---|")
                    for field in descriptor.fields {
                        let defaultText = field.required ? "required" : "`\(field.defaultText ?? "")`"
                        lines.append("| `\(field.name)` | \(cell(field.type)) | \(cell(defaultText)) | \(cell(field.doc)) |")
                    }
                    lines.append("")
                }
                lines.append("```yaml")
                lines.append(descriptor.example)
                lines.append("```")
                lines.append("")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Plain text for terminals.
    public static func text(_ registries: Registries, kind: PluginKind? = nil) -> String {
        var lines: [String] = []
        for current in PluginKind.allCases where kind == nil || kind == current {
            let descriptors = registries.descriptors(of: current)
            guard !descriptors.isEmpty else { continue }
            lines.append("\(current.plural.uppercased())")
            for descriptor in descriptors {
                lines.append("  \(descriptor.id): \(descriptor.summary)")
                for field in descriptor.fields {
                    let defaultText = field.required ? "required" : "default \(field.defaultText ?? "")"
                    lines.append("      \(field.name) (\(field.type); \(defaultText)): \(field.doc)")
                }
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    static func cell(_ text: String) -> String { TextTable.markdownCell(text) }
}
