/// Entry points for decoding typed values from nodes.

/// Decodes `type` from `node`, throwing every problem at once.
/// - Parameter path: where `node` sits in the spec (the root for a whole spec; a plugin's
///   `path` for its options), used in messages.
/// - Throws: `SpecError` with all error diagnostics (warnings are dropped; use
///   `decode(_:from:at:context:)` to see them).
public func decode<V: SpecValue>(_ type: V.Type, from node: Node, at path: SpecPath = .root) throws -> V {
    var context = DecodingContext()
    let value = decode(type, from: node, at: path, context: &context)
    let errors = context.diagnostics.filter { $0.severity == .error }
    if let value, errors.isEmpty { return value }
    throw SpecError(errors.isEmpty ? [.error("cannot read \(V.typeDescription)", at: node.location, path: path)] : errors)
}

/// Decodes `type` from `node`, recording diagnostics in `context` (so several parts of a spec
/// can be checked in one pass before anything is reported); nil if decoding failed.
public func decode<V: SpecValue>(_ type: V.Type, from node: Node, at path: SpecPath = .root,
                                 context: inout DecodingContext) -> V? {
    V.decode(node, at: path, context: &context)
}
