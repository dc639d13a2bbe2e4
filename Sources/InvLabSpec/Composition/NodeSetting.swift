/// Replacing the value at a key path inside a tree: the mechanism behind `--set` overrides and
/// sweep trials.

/// `root` with the value at `path` replaced by `value`.
///
/// Keys missing from a mapping are added (so are missing intermediate mappings, and a `null`
/// value is treated as an empty mapping); the decoder later rejects keys that are unknown.
/// A list index must address an existing item.
/// - Parameter location: where to report problems (e.g. a `sweep:` key); nil reports at the
///   node where the path could not be followed.
/// - Throws: `SpecError` when the path indexes past the end of a list, indexes into something
///   that is not a list, or looks up a key in a list or scalar.
public func setting(_ path: SpecPath, to value: Node, in root: Node, at location: SourceLocation? = nil) throws -> Node {
    let steps = path.components.map { (component: $0, location: location) }
    return try NodeSetter(value: value).set(steps[...], in: root, at: .root)
}

/// The recursive walk behind `setting(_:to:in:at:)`; each step may carry its own location
/// (the offset of that component in a `--set` argument).
struct NodeSetter {
    typealias Step = (component: SpecPath.Component, location: SourceLocation?)
    let value: Node
    /// The value as typed after `=` when the setter applies a `--set` override (nil for a
    /// sweep); an index into a missing list then gets a note on setting the whole list.
    var overrideValueText: String? = nil

    func set(_ steps: ArraySlice<Step>, in node: Node?, at path: SpecPath) throws -> Node {
        guard let step = steps.first else { return value }
        let rest = steps.dropFirst()
        switch step.component {
        case .key(let key):
            return try set(key: key, step: step, rest: rest, in: node, at: path)
        case .index(let index):
            return try set(index: index, step: step, rest: rest, in: node, at: path)
        }
    }

    private func set(key: String, step: Step, rest: ArraySlice<Step>, in node: Node?, at path: SpecPath) throws -> Node {
        let childPath = path.appending(key)
        guard let node, !node.isNull else {
            let child = try set(rest, in: nil, at: childPath)
            let location = node?.location ?? step.location ?? value.location
            return .mapping([MappingEntry(key: key, keyLocation: step.location ?? value.location, value: child)], at: location)
        }
        guard var entries = node.entries else {
            throw SpecError(.error("cannot set key '\(key)' in \(describe(path)): it is \(node.kindDescription), not a mapping",
                                   at: step.location ?? node.location, path: path))
        }
        if let position = entries.firstIndex(where: { $0.key == key }) {
            let child = try set(rest, in: entries[position].value, at: childPath)
            entries[position] = entries[position].replacingValue(with: child)
        } else {
            let child = try set(rest, in: nil, at: childPath)
            entries.append(MappingEntry(key: key, keyLocation: step.location ?? value.location, value: child))
        }
        return Node(.mapping(entries), at: node.location)
    }

    private func set(index: Int, step: Step, rest: ArraySlice<Step>, in node: Node?, at path: SpecPath) throws -> Node {
        guard let node else {
            throw SpecError(.error("cannot index into \(describe(path)): there is no such key",
                                   at: step.location ?? value.location, path: path,
                                   notes: overrideValueText.map { wholeListNotes(path, rest: rest, valueText: $0) } ?? []))
        }
        guard var items = node.items else {
            throw SpecError(.error("cannot index into \(describe(path)): it is \(node.kindDescription), not a list",
                                   at: step.location ?? node.location, path: path))
        }
        guard index < items.count else {
            let count = items.count == 1 ? "1 item" : "\(items.count) items"
            throw SpecError(.error("index \(index) is out of range: \(describe(path)) has \(count)",
                                   at: step.location ?? node.location, path: path.appending(index: index),
                                   notes: items.isEmpty ? [] : ["valid indices are 0...\(items.count - 1)"]))
        }
        items[index] = try set(rest, in: items[index], at: path.appending(index: index))
        return Node(.sequence(items), at: node.location)
    }

    /// How to write the whole list with one `--set` when the spec has no list to index into,
    /// e.g. `attack.regularizers[0].weight=0.05` on a spec without regularizers suggests
    /// `--set 'attack.regularizers=[{type: <plugin id>, weight: 0.05}]'`.
    private func wholeListNotes(_ path: SpecPath, rest: ArraySlice<Step>, valueText: String) -> [String] {
        let keys = rest.compactMap { step -> String? in
            if case .key(let key) = step.component { return key }
            return nil
        }
        guard keys.count == rest.count else {
            return ["to create the list, set it whole: --set \(shellQuoted("\(path)=[...]"))"]
        }
        let value = valueText.isEmpty ? "null" : valueText
        let item = keys.reversed().reduce(value) { inner, key in "{\(key): \(inner)}" }
        if keys.isEmpty || keys.first == "type" {
            return ["to create the list, set it whole: --set \(shellQuoted("\(path)=[\(item)]"))"]
        }
        return ["to create the list, set it whole (each plugin with its type), e.g. --set \(shellQuoted("\(path)=[{type: <plugin id>, \(item.dropFirst())]"))"]
    }

    private func describe(_ path: SpecPath) -> String {
        path.isRoot ? "the spec root" : "'\(path)'"
    }
}
