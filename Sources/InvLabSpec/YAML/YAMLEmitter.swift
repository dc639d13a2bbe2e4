/// Writes `node` as deterministic block-style YAML that the loader reads back to an equal tree.
///
/// Mappings keep their key order; lists of short scalars are written in flow style (`[a, b]`);
/// strings are quoted only when plain text would read back differently (as null, a boolean, a
/// number) or contains YAML syntax. Comments and anchors are not preserved (aliases were
/// expanded on load). The result ends with a line break. Used for `spec.resolved.yaml` and
/// `invlab validate --print`.
public func emitYAML(_ node: Node) -> String {
    switch node.content {
    case .scalar(let scalar):
        return YAMLScalarFormatting.text(for: scalar, flow: false) + "\n"
    case .sequence, .mapping:
        if let inline = YAMLEmitter.inlineCollection(node) { return inline + "\n" }
        var lines: [String] = []
        YAMLEmitter.emitCollection(node, indent: 0, into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Writes `node` as one line of flow-style YAML (`{type: l2, weight: [0.1, 0.2]}`), used for
/// defaults in documentation and values in messages.
public func emitFlowYAML(_ node: Node) -> String {
    switch node.content {
    case .scalar(let scalar):
        return YAMLScalarFormatting.text(for: scalar, flow: true)
    case .sequence(let items):
        return "[" + items.map(emitFlowYAML).joined(separator: ", ") + "]"
    case .mapping(let entries):
        let pairs = entries.map { YAMLScalarFormatting.string($0.key, flow: true) + ": " + emitFlowYAML($0.value) }
        return "{" + pairs.joined(separator: ", ") + "}"
    }
}

/// The block-style layout behind `emitYAML`.
enum YAMLEmitter {
    /// Widest flow-style list written on one line.
    static let maximumInlineWidth = 80

    /// `{}`, `[]`, or `[a, b]` for a short list of scalars; nil when the node needs block style.
    static func inlineCollection(_ node: Node) -> String? {
        switch node.content {
        case .scalar:
            return nil
        case .mapping(let entries):
            return entries.isEmpty ? "{}" : nil
        case .sequence(let items):
            if items.isEmpty { return "[]" }
            guard items.allSatisfy({ $0.scalar != nil }) else { return nil }
            let text = emitFlowYAML(node)
            return text.count <= maximumInlineWidth ? text : nil
        }
    }

    /// Text for a value written after `key: ` or `- ` on the same line, if it fits there.
    static func sameLineText(_ node: Node) -> String? {
        if let scalar = node.scalar { return YAMLScalarFormatting.text(for: scalar, flow: false) }
        return inlineCollection(node)
    }

    /// Lines for a non-empty mapping or list whose entries start at column `indent`.
    static func emitCollection(_ node: Node, indent: Int, into lines: inout [String]) {
        let padding = String(repeating: " ", count: indent)
        switch node.content {
        case .scalar:
            return
        case .mapping(let entries):
            for entry in entries {
                let key = YAMLScalarFormatting.string(entry.key, flow: false)
                if let text = sameLineText(entry.value) {
                    lines.append("\(padding)\(key): \(text)")
                } else {
                    lines.append("\(padding)\(key):")
                    emitCollection(entry.value, indent: indent + 2, into: &lines)
                }
            }
        case .sequence(let items):
            for item in items {
                if let text = sameLineText(item) {
                    lines.append("\(padding)- \(text)")
                    continue
                }
                var nested: [String] = []
                emitCollection(item, indent: indent + 2, into: &nested)
                guard let first = nested.first else { continue }
                lines.append(padding + "- " + first.dropFirst(indent + 2))
                lines.append(contentsOf: nested.dropFirst())
            }
        }
    }
}
