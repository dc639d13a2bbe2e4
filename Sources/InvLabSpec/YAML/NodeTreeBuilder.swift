/// Builds the located `Node` tree from parser events, enforcing the rules a spec file must follow:
/// one document, scalar and unique mapping keys, supported tags only, known anchors, and the
/// `YAMLLimits` on node count (aliases count every node they copy) and nesting depth.
///
/// Recoverable problems (a duplicate key, a bad tag) are collected and building goes on so the
/// user sees them all; fatal ones (a limit, a second document) stop the build.
struct NodeTreeBuilder {
    /// A list or mapping whose end event has not arrived yet.
    private struct OpenCollection {
        enum Body {
            case sequence([Node])
            case mapping([MappingEntry], pendingKey: PendingKey?, firstSeen: [String: SourceLocation])
        }
        var body: Body
        let location: SourceLocation
        let anchor: String?
        let nodeCountAtStart: Int
    }

    /// A mapping key waiting for its value; `keep` is false for keys already reported as bad.
    private struct PendingKey {
        let text: String
        let location: SourceLocation
        let keep: Bool
    }

    let file: String
    let limits: YAMLLimits
    private(set) var diagnostics: [Diagnostic] = []
    private(set) var root: Node?
    private(set) var documentCount = 0
    private var firstDocumentLocation: SourceLocation?
    private var open: [OpenCollection] = []
    private var anchors: [String: (node: Node, size: Int)] = [:]
    private var nodeCount = 0

    init(file: String, limits: YAMLLimits) {
        self.file = file
        self.limits = limits
    }

    /// Feeds one event; returns false after a fatal problem (stop reading events).
    mutating func handle(_ event: YAMLEvent) -> Bool {
        switch event {
        case .streamStart, .streamEnd, .documentEnd:
            return true
        case .documentStart(let location):
            return startDocument(at: location)
        case let .scalar(text, style, tag, anchor, location):
            guard count(1, at: location, fromAlias: false) else { return false }
            let node = Node(.scalar(makeScalar(text: text, style: style, tag: tag, at: location)), at: location)
            if let anchor { anchors[anchor] = (node, 1) }
            add(node)
            return true
        case let .alias(anchor, location):
            return expandAlias(anchor, at: location)
        case let .sequenceStart(tag, anchor, location):
            return startCollection(.sequence([]), tag: tag, expectedTag: "seq", anchor: anchor, at: location)
        case let .mappingStart(tag, anchor, location):
            return startCollection(.mapping([], pendingKey: nil, firstSeen: [:]), tag: tag, expectedTag: "map",
                                   anchor: anchor, at: location)
        case .sequenceEnd, .mappingEnd:
            finishCollection()
            return true
        }
    }

    private mutating func startDocument(at location: SourceLocation) -> Bool {
        documentCount += 1
        guard documentCount == 1 else {
            let first = firstDocumentLocation.map { ["the first document starts at \($0)"] } ?? []
            diagnostics.append(.error("a spec file holds exactly one YAML document", at: location, notes: first))
            return false
        }
        firstDocumentLocation = location
        return true
    }

    /// Adds `amount` nodes to the running count; false (with a diagnostic) past the limit.
    private mutating func count(_ amount: Int, at location: SourceLocation, fromAlias: Bool) -> Bool {
        nodeCount += amount
        guard nodeCount > limits.maximumNodeCount else { return true }
        let message = fromAlias
            ? "alias expansion exceeds \(limits.maximumNodeCount) nodes (a 'billion laughs' document?)"
            : "document has more than \(limits.maximumNodeCount) nodes"
        diagnostics.append(.error(message, at: location))
        return false
    }

    private mutating func expandAlias(_ anchor: String, at location: SourceLocation) -> Bool {
        if open.contains(where: { $0.anchor == anchor }) {
            diagnostics.append(.error("alias '*\(anchor)' refers to a node that contains it (recursive aliases are not allowed)",
                                      at: location))
            add(.null(at: location))
            return true
        }
        guard let (node, size) = anchors[anchor] else {
            diagnostics.append(.error("unknown anchor '\(anchor)' (an alias '*\(anchor)' needs an earlier '&\(anchor)')",
                                      at: location))
            add(.null(at: location))
            return true
        }
        guard count(size, at: location, fromAlias: true) else { return false }
        add(Node(node.content, at: location))
        return true
    }

    private mutating func startCollection(_ body: OpenCollection.Body, tag: String?, expectedTag: String,
                                          anchor: String?, at location: SourceLocation) -> Bool {
        guard open.count < limits.maximumDepth else {
            diagnostics.append(.error("lists and mappings are nested deeper than \(limits.maximumDepth) levels",
                                      at: location))
            return false
        }
        if let tag, tag != "!", tag != "tag:yaml.org,2002:\(expectedTag)" {
            diagnostics.append(.error("unsupported tag '\(Self.displayTag(tag))' on a \(expectedTag == "seq" ? "list" : "mapping")",
                                      at: location))
        }
        let start = nodeCount
        guard count(1, at: location, fromAlias: false) else { return false }
        open.append(OpenCollection(body: body, location: location, anchor: anchor, nodeCountAtStart: start))
        return true
    }

    private mutating func finishCollection() {
        guard let collection = open.popLast() else { return }
        let node: Node
        switch collection.body {
        case .sequence(let items):
            node = Node(.sequence(items), at: collection.location)
        case .mapping(let entries, _, _):
            node = Node(.mapping(entries), at: collection.location)
        }
        if let anchor = collection.anchor {
            anchors[anchor] = (node, nodeCount - collection.nodeCountAtStart)
        }
        add(node)
    }

    /// Attaches a finished node to the innermost open collection (or makes it the root).
    private mutating func add(_ node: Node) {
        guard var parent = open.popLast() else {
            if root == nil { root = node }
            return
        }
        switch parent.body {
        case .sequence(var items):
            parent.body = .sequence([])
            items.append(node)
            parent.body = .sequence(items)
        case .mapping(var entries, let pending?, let firstSeen):
            parent.body = .mapping([], pendingKey: nil, firstSeen: [:])
            if pending.keep {
                entries.append(MappingEntry(key: pending.text, keyLocation: pending.location, value: node))
            }
            parent.body = .mapping(entries, pendingKey: nil, firstSeen: firstSeen)
        case .mapping(let entries, nil, var firstSeen):
            parent.body = .mapping([], pendingKey: nil, firstSeen: [:])
            parent.body = .mapping(entries, pendingKey: acceptKey(node, firstSeen: &firstSeen), firstSeen: firstSeen)
        }
        open.append(parent)
    }

    /// Checks a node in key position: it must be a scalar not seen before in this mapping.
    private mutating func acceptKey(_ node: Node, firstSeen: inout [String: SourceLocation]) -> PendingKey {
        guard let text = node.scalarText else {
            diagnostics.append(.error("mapping keys must be plain text, got \(node.kindDescription)", at: node.location))
            return PendingKey(text: "", location: node.location, keep: false)
        }
        if let first = firstSeen[text] {
            diagnostics.append(.error("duplicate key '\(text)'", at: node.location, notes: ["first defined at \(first)"]))
            return PendingKey(text: text, location: node.location, keep: false)
        }
        firstSeen[text] = node.location
        return PendingKey(text: text, location: node.location, keep: true)
    }

    /// Builds a scalar, reporting unsupported tags, text that does not fit its tag, and
    /// integers too large for 64 bits.
    private mutating func makeScalar(text: String, style: ScalarStyle, tag: String?, at location: SourceLocation) -> Scalar {
        guard let tag else {
            if style == .plain, CoreSchema.isOverflowingInt(text) {
                diagnostics.append(.error("integer \(text) does not fit in 64 bits", at: location,
                                          notes: ["quote it (\"\(text)\") if you mean text"]))
            }
            return Scalar(text: text, style: style)
        }
        guard let known = ScalarTag(yamlTag: tag) else {
            diagnostics.append(.error("unsupported tag '\(Self.displayTag(tag))'", at: location,
                                      notes: ["a spec may only use the tags !!str, !!int, !!float, !!bool and !!null"]))
            return Scalar(text: text, style: style)
        }
        if ScalarValue(resolving: text, tag: known) == nil || (known == .int && CoreSchema.isOverflowingInt(text)) {
            diagnostics.append(.error("'\(text)' is not a valid !!\(known.rawValue)", at: location))
        }
        return Scalar(text: text, style: style, tag: known)
    }

    /// `tag:yaml.org,2002:seq` shown as `!!seq`; other tags as written.
    static func displayTag(_ tag: String) -> String {
        let prefix = "tag:yaml.org,2002:"
        return tag.hasPrefix(prefix) ? "!!" + tag.dropFirst(prefix.count) : tag
    }
}
