/// The known names that are plausibly what the user meant to type, closest first.
///
/// Uses the optimal-string-alignment form of the Damerau-Levenshtein distance (insertions,
/// deletions, substitutions and swaps of neighbours each cost 1), compared case-insensitively.
/// A name is suggested only when the distance is at most `max(1, name.count / 3)`, so that
/// suggestions stay believable ("wieght" -> "weight") instead of far-fetched; callers list the
/// known names when nothing is close.
/// - Returns: the close candidates sorted by distance, then alphabetically; empty if none.
public func closestMatches(to name: String, among candidates: [String]) -> [String] {
    let typed = Array(name.lowercased())
    let threshold = max(1, typed.count / 3)
    var scored: [(name: String, distance: Int)] = []
    for candidate in Set(candidates) where candidate != name {
        let distance = editDistance(typed, Array(candidate.lowercased()), limit: threshold)
        if distance <= threshold {
            scored.append((candidate, distance))
        }
    }
    return scored.sorted { ($0.distance, $0.name) < ($1.distance, $1.name) }.map(\.name)
}

/// Optimal-string-alignment distance between `a` and `b`; returns `limit + 1` early when the
/// lengths alone already differ by more than `limit` (keeps long lists cheap).
func editDistance(_ a: [Character], _ b: [Character], limit: Int) -> Int {
    if abs(a.count - b.count) > limit { return limit + 1 }
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previousPrevious = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            var best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                best = min(best, previousPrevious[j - 2] + 1)
            }
            current[j] = best
        }
        (previousPrevious, previous, current) = (previous, current, previousPrevious)
    }
    return previous[b.count]
}
