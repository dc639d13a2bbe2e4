import Foundation
import InvLabSpec

/// Documentation of one configuration key, for `invlab plugins` and docs/catalogue.md.
public struct FieldDocumentation: Sendable, Equatable {
    public var name: String
    public var type: String
    public var defaultText: String?
    public var required: Bool
    public var doc: String
}

/// Everything known about a registered plugin except how to build it.
public struct PluginDescriptor: Sendable {
    public var kind: PluginKind
    public var id: String
    public var summary: String
    public var documentation: String
    public var example: String
    /// The module that registered it (named in duplicate-id errors).
    public var module: String
    public var fields: [FieldDocumentation]
    /// JSON Schema of the plugin's mapping (`type` plus its keys).
    public var schema: JSONValue
}

/// A registration problem: two modules claim the same id for one kind.
public struct RegistrationError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// The plugins of one kind, by id, in registration order.
public struct Registry<Instance>: Sendable {
    struct Entry: Sendable {
        var descriptor: PluginDescriptor
        var build: @Sendable (PluginNode, BuildContext) throws -> Instance
        var checkOptions: @Sendable (PluginNode, inout DecodingContext) -> Void
    }

    public let kind: PluginKind
    private var entries: [String: Entry] = [:]
    public private(set) var ids: [String] = []

    public init(kind: PluginKind) { self.kind = kind }

    /// Adds a plugin type; `cast` turns the plugin into this registry's instance protocol.
    public mutating func add<P: Plugin>(_ type: P.Type, module: String, cast: @escaping @Sendable (P) -> Instance) throws {
        if let existing = entries[P.id] {
            throw RegistrationError(message: "\(kind.noun) id '\(P.id)' is registered twice: by module \(existing.descriptor.module) and by module \(module)")
        }
        let fields = P.Configuration.fields.map {
            FieldDocumentation(name: $0.name, type: $0.typeDescription, defaultText: $0.defaultText, required: $0.isRequired, doc: $0.doc)
        }
        let descriptor = PluginDescriptor(kind: kind, id: P.id, summary: P.summary, documentation: P.documentation,
                                          example: P.example, module: module, fields: fields,
                                          schema: SpecSchema.plugin(id: P.id, summary: P.summary, configuration: P.Configuration.self))
        entries[P.id] = Entry(
            descriptor: descriptor,
            build: { node, context in
                let configuration = try node.decodeOptions(as: P.Configuration.self)
                return cast(try P(configuration: configuration, context: context))
            },
            checkOptions: { node, context in _ = node.decodeOptions(as: P.Configuration.self, context: &context) })
        ids.append(P.id)
    }

    /// Descriptors in registration order.
    public var descriptors: [PluginDescriptor] { ids.map { entries[$0]!.descriptor } }

    public func descriptor(_ id: String) -> PluginDescriptor? { entries[id]?.descriptor }

    /// The diagnostic for an id that is not registered: a suggestion when the id is close to a
    /// known one, else the known ids and where a plugin of another package comes from.
    public func unknown(_ node: PluginNode) -> Diagnostic {
        var diagnostic = Diagnostic.unknownName(kind.noun, node.id, known: ids, listLabel: "known \(kind.plural)",
                                                at: node.idLocation, path: node.idPath)
        if closestMatches(to: node.id, among: ids).isEmpty {
            diagnostic.notes.append(Self.otherPackageNote)
        }
        return diagnostic
    }

    /// Where plugins that this binary does not register come from.
    public static var otherPackageNote: String {
        "a plugin from another package is only known to that package's own build of invlab (see docs/extending.md)"
    }

    /// Builds the plugin a spec names. Throws `SpecError` for an unknown id or bad options.
    public func build(_ node: PluginNode, context: BuildContext) throws -> Instance {
        guard let entry = entries[node.id] else { throw SpecError(unknown(node)) }
        var nested = context
        nested.path = node.path
        nested.location = node.location
        nested.options = node.options
        return try entry.build(node, nested)
    }
}

/// One registry per plugin kind. The executable and every test build their own value; there
/// is no process-wide registry. Plugin modules add their types through one
/// `register(into:)` function each.
public struct Registries: Sendable {
    public var datasets = Registry<any DatasetPlugin>(kind: .dataset)
    public var recognizers = Registry<any RecognizerPlugin>(kind: .recognizer)
    public var generators = Registry<any GeneratorPlugin>(kind: .generator)
    public var regularizers = Registry<any RegularizerPlugin>(kind: .regularizer)
    public var optimizers = Registry<any OptimizerPlugin>(kind: .optimizer)
    public var attacks = Registry<any AttackPlugin>(kind: .attack)
    public var defenses = Registry<any DefensePlugin>(kind: .defense)
    public var metrics = Registry<any MetricPlugin>(kind: .metric)
    public var judges = Registry<any JudgePlugin>(kind: .judge)
    /// What a spec gets when it does not list its own metrics or judges. Plugin modules set
    /// them in their `register(into:)` (the Core names no plugin).
    public var defaultMetrics: [PluginNode] = []
    public var defaultJudges: [PluginNode] = []

    public init() {}

    public mutating func register<P: DatasetPlugin>(_ type: P.Type, module: String) throws { try datasets.add(type, module: module) { $0 } }
    public mutating func register<P: RecognizerPlugin>(_ type: P.Type, module: String) throws { try recognizers.add(type, module: module) { $0 } }
    public mutating func register<P: GeneratorPlugin>(_ type: P.Type, module: String) throws { try generators.add(type, module: module) { $0 } }
    public mutating func register<P: RegularizerPlugin>(_ type: P.Type, module: String) throws { try regularizers.add(type, module: module) { $0 } }
    public mutating func register<P: OptimizerPlugin>(_ type: P.Type, module: String) throws { try optimizers.add(type, module: module) { $0 } }
    public mutating func register<P: AttackPlugin>(_ type: P.Type, module: String) throws { try attacks.add(type, module: module) { $0 } }
    public mutating func register<P: DefensePlugin>(_ type: P.Type, module: String) throws { try defenses.add(type, module: module) { $0 } }
    public mutating func register<P: MetricPlugin>(_ type: P.Type, module: String) throws { try metrics.add(type, module: module) { $0 } }
    public mutating func register<P: JudgePlugin>(_ type: P.Type, module: String) throws { try judges.add(type, module: module) { $0 } }

    /// A module's plugins of one kind, in the order given (the order of the catalogue).
    public mutating func register(_ types: [any DatasetPlugin.Type], module: String) throws { for type in types { try register(type, module: module) } }
    public mutating func register(_ types: [any RecognizerPlugin.Type], module: String) throws { for type in types { try register(type, module: module) } }
    public mutating func register(_ types: [any GeneratorPlugin.Type], module: String) throws { for type in types { try register(type, module: module) } }
    public mutating func register(_ types: [any RegularizerPlugin.Type], module: String) throws { for type in types { try register(type, module: module) } }
    public mutating func register(_ types: [any OptimizerPlugin.Type], module: String) throws { for type in types { try register(type, module: module) } }
    public mutating func register(_ types: [any AttackPlugin.Type], module: String) throws { for type in types { try register(type, module: module) } }
    public mutating func register(_ types: [any DefensePlugin.Type], module: String) throws { for type in types { try register(type, module: module) } }
    public mutating func register(_ types: [any MetricPlugin.Type], module: String) throws { for type in types { try register(type, module: module) } }
    public mutating func register(_ types: [any JudgePlugin.Type], module: String) throws { for type in types { try register(type, module: module) } }

    /// Descriptors of every kind, kinds in declaration order.
    public func descriptors(of kind: PluginKind? = nil) -> [PluginDescriptor] {
        let all: [PluginKind: [PluginDescriptor]] = [
            .dataset: datasets.descriptors, .recognizer: recognizers.descriptors, .generator: generators.descriptors,
            .regularizer: regularizers.descriptors, .optimizer: optimizers.descriptors, .attack: attacks.descriptors,
            .defense: defenses.descriptors, .metric: metrics.descriptors, .judge: judges.descriptors,
        ]
        return PluginKind.allCases.filter { kind == nil || $0 == kind }.flatMap { all[$0] ?? [] }
    }

    /// Ids of one kind.
    public func ids(of kind: PluginKind) -> [String] { descriptors(of: kind).map(\.id) }
}
