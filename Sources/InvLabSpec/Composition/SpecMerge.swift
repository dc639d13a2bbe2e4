/// The `inherit:` merge rules, as one function.
///
/// - Mappings merge key by key, recursively; keys of the base come first in their base order,
///   then keys only the child has, in child order.
/// - A mapping whose `type:` differs from the base mapping's `type:` replaces the base mapping
///   entirely, so switching a plugin does not inherit the old plugin's keys.
/// - Lists and scalars in the child replace the base's (so does a child `null`, which is how a
///   child removes an inherited section).
/// - A child's top-level `sweep:` replaces the base's whole sweep. A sweep is one experiment design:
///   merging a child's sweep key by key into its parent's would cross the two designs (a parent
///   sweeping 3 lambdas and a child sweeping 3 sources would give 9 trials that neither file
///   describes). A child that extends its parent's sweep restates it.
///
/// Every node keeps the location of the file that set it, so diagnostics after merging point
/// into the right file.
public func mergeSpec(_ child: Node, onto base: Node) -> Node {
    mergeSpec(child, onto: base, replacingWhole: topLevelKeysReplacedWhole)
}

/// Top-level keys whose child value replaces the base's instead of merging into it.
public let topLevelKeysReplacedWhole: Set<String> = ["sweep"]

private func mergeSpec(_ child: Node, onto base: Node, replacingWhole: Set<String>) -> Node {
    guard let baseEntries = base.entries, let childEntries = child.entries else { return child }
    if let baseType = base["type"], let childType = child["type"], baseType != childType {
        return child
    }
    let childPositions = Dictionary(childEntries.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { first, _ in first })
    let baseKeys = Set(baseEntries.map(\.key))
    var merged: [MappingEntry] = []
    merged.reserveCapacity(baseEntries.count + childEntries.count)
    for baseEntry in baseEntries {
        if let position = childPositions[baseEntry.key] {
            let childEntry = childEntries[position]
            let value = replacingWhole.contains(baseEntry.key)
                ? childEntry.value : mergeSpec(childEntry.value, onto: baseEntry.value, replacingWhole: [])
            merged.append(childEntry.replacingValue(with: value))
        } else {
            merged.append(baseEntry)
        }
    }
    for childEntry in childEntries where !baseKeys.contains(childEntry.key) {
        merged.append(childEntry)
    }
    return Node(.mapping(merged), at: child.location)
}
