/// What a plugin's product (a published model, a fitted generator) carries for other plugins,
/// looked up by type: an open-ended set of extras that the Core's protocols do not name.
///
/// The module that provides an extra declares a type for it, and its products answer
/// `attachment(_:)` for that type; a plugin that needs the extra imports that module and asks
/// for the type (nil when the product has none):
///
/// ```swift
/// // the providing module
/// public struct Watermark { public var pattern: Tensor }
/// struct WatermarkedModel: PublishedModel {
///     ...
///     public func attachment<T>(_ type: T.Type) -> T? {
///         type == Watermark.self ? watermark as? T : inner.attachment(type)
///     }
/// }
/// // a consumer (e.g. a metric)
/// guard let watermark = input.published.attachment(Watermark.self) else { ... }
/// ```
///
/// A wrapper (an output defense around a published model) answers for what it adds and passes
/// every other lookup to what it wraps, so that attachments survive further wrapping.
public protocol AttachmentProviding {
    /// The attachment of type `T`, nil when there is none. The default has none.
    func attachment<T>(_ type: T.Type) -> T?
}

extension AttachmentProviding {
    public func attachment<T>(_ type: T.Type) -> T? { nil }
}
