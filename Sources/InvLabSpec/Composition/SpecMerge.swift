/// The `inherit:` merge rules, as one function.
///
/// - Mappings merge key by key, recursively; keys of the base come first in their base order,
///   then keys only the child has, in child order.
/// - A mapping whose `type:` differs from the base mapping's `type:` replaces the base mapping
///   entirely, so switching a plugin does not inherit the old plugin's keys.
/// - Lists and scalars in the child replace the base's (so does a child `null`, which is how a
///   child removes an inherited section).
///
/// Every node keeps the location of the file that set it, so diagnostics after merging point
/// into the right file.
public func mergeSpec(_ child: Node, onto base: Node) -> Node {
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
            merged.append(childEntry.replacingValue(with: mergeSpec(childEntry.value, onto: baseEntry.value)))
        } else {
            merged.append(baseEntry)
        }
    }
    for childEntry in childEntries where !baseKeys.contains(childEntry.key) {
        merged.append(childEntry)
    }
    return Node(.mapping(merged), at: child.location)
}
