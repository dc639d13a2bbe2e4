import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor

/// Publishes softmax(z / T) instead of softmax(z): temperature scaling of the published
/// confidences. A high temperature flattens the outputs the attacker differentiates.
public struct TemperatureDefense: DefensePlugin {
    /// The keys of `defense: {type: temperature, ...}`, each with a documented default.
    public struct Configuration: SpecConfig {
        public var temperature = 4.0
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("temperature", \.temperature, doc: "Divisor of the logits before the softmax (1 = no change).", range: 0.01...1000),
        ] }
    }

    public static let id = "temperature"
    public static let summary = "Publish softmax(logits / T): flattened confidences."
    public static let example = "type: temperature\ntemperature: 4"

    let temperature: Float

    public init(configuration: Configuration, context: BuildContext) throws {
        temperature = Float(configuration.temperature)
    }

    /// Wraps the published model; the attacker differentiates through the scaled softmax.
    public func wrap(_ model: any PublishedModel, resources: DefenseResources) throws -> any PublishedModel {
        TemperatureModel(inner: model, temperature: temperature)
    }
}

/// The published model of `TemperatureDefense`.
struct TemperatureModel: PublishedModel {
    let inner: any PublishedModel
    let temperature: Float

    var classes: Int { inner.classes }
    var inputShape: [Int] { inner.inputShape }
    func attachment<T>(_ type: T.Type) -> T? { inner.attachment(type) }
    var summary: String { "temperature(\(temperature)) of \(inner.summary)" }

    func output(_ x: Var) -> ModelOutput {
        let logits = inner.output(x).logitsOrLogProbabilities / temperature
        return ModelOutput(probabilities: logits.softmax(), logits: logits)
    }

    func query(_ x: Tensor) -> Tensor {
        output(Var(constant: x)).probabilities.value
    }
}

/// Registers this module's plugins (one function, as every plugin module has).
public enum TemperatureDefenseModule {
    public static func register(into registries: inout Registries) throws {
        try registries.register(TemperatureDefense.self, module: "TemperatureDefense")
        try registries.register(BrightnessMatchMetric.self, module: "TemperatureDefense")
    }
}
