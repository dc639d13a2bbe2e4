/// A `--set` of a key that the spec sweeps would be a silent no-op: every trial writes its
/// sweep value over it. Such overrides are errors that point at the sweep and say how to
/// change the sweep instead.

/// One error per override in `overrides` whose key path is a swept key, or lies inside one
/// (the sweep replaces the whole value), according to the `sweep:` of `root` (overrides
/// applied). Overrides of `sweep` itself are what the notes recommend and are never reported;
/// sweep keys that are not valid key paths are left to the sweep's own decoding.
public func sweptOverrideDiagnostics(_ overrides: [Override], in root: Node) -> [Diagnostic] {
    guard let entries = root["sweep"]?.entries, !entries.isEmpty else { return [] }
    let axes = entries.compactMap { entry -> (entry: MappingEntry, path: SpecPath)? in
        (try? SpecPath(parsing: entry.key)).map { (entry, $0) }
    }
    var diagnostics: [Diagnostic] = []
    for override in overrides where override.path.components.first != .key("sweep") {
        guard let axis = axes.first(where: { override.path.components.starts(with: $0.path.components) }) else { continue }
        let sweepKey = SpecPath.root.appending("sweep").appending(axis.entry.key)
        var notes = ["'\(axis.entry.key)' is swept at \(axis.entry.keyLocation); every trial writes its sweep value there, replacing this --set"]
        if override.path == axis.path {
            notes.append("to change the values the sweep takes, override the sweep instead, e.g. --set \(shellQuoted("\(sweepKey)=[\(override.valueText)]"))")
        } else if axis.entry.value.items != nil {
            let rest = SpecPath(Array(override.path.components.dropFirst(axis.path.components.count)))
            let separator = rest.description.hasPrefix("[") ? "" : "."
            notes.append("to change one of the swept values, override it inside the sweep, e.g. --set \(shellQuoted("\(sweepKey)[0]\(separator)\(rest)=\(override.valueText)")) (item 0 of the swept list)")
        } else {
            notes.append("to change the values the sweep takes, override the sweep instead: --set \(shellQuoted("\(sweepKey)=[...]"))")
        }
        diagnostics.append(.error("--set of a swept key has no effect: the sweep sets '\(axis.path)' in every trial",
                                  at: override.location, path: override.path, notes: notes))
    }
    return diagnostics
}
