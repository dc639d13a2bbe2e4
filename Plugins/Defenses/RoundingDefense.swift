import Foundation
import InvLabCore
import InvLabSpec
import InvLabTensor

/// Rounds the published confidences to a number of decimals: the countermeasure Fredrikson et
/// al. (CCS 2015, section 7) evaluate against their confidence-exploiting inversion.
public struct RoundingDefense: DefensePlugin {
    public struct Configuration: SpecConfig, Equatable {
        public var digits = 2
        public var attackerGradient = AttackerGradient.straightThrough
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("digits", \.digits, doc: "Decimals kept: 2 publishes multiples of 0.01 (Fredrikson et al.'s r = 0.01), 3 of 0.001, 0 only 0 or 1.",
                      range: 0...6),
            SpecField("attacker_gradient", \.attackerGradient, doc: attackerGradientDoc),
        ] }
    }

    public static let id = "rounding"
    public static let summary = "Round published confidences to `digits` decimals (Fredrikson et al. 2015's countermeasure)."
    public static let documentation = """
        Fredrikson, Jha and Ristenpart, "Model Inversion Attacks that Exploit Confidence Information and Basic \
        Countermeasures" (CCS 2015), section 7: the API publishes each probability rounded to a multiple of r; \
        here r = 10^-digits, rounding half away from zero. Rows are not renormalised (a real API rounds each \
        number it prints), so they may not sum to 1. Accuracy is measured on the rounded values (ties after \
        rounding go to the lower class index). The attacker sees the rounded values; `attacker_gradient` says \
        what gradient flows back.
        """
    public static let example = """
        type: rounding
        digits: 2
        attacker_gradient: straight_through
        """

    public let configuration: Configuration

    public init(configuration: Configuration, context: BuildContext) throws {
        self.configuration = configuration
    }

    /// Each probability rounded to `digits` decimals.
    public static func rounded(_ probabilities: Tensor, digits: Int) -> Tensor {
        let scale = Float(Foundation.pow(10, Double(digits)))
        return probabilities.map { ($0 * scale).rounded(.toNearestOrAwayFromZero) / scale }
    }

    public func wrap(_ model: any PublishedModel, resources: DefenseResources) throws -> any PublishedModel {
        let digits = configuration.digits
        return DefendedOutputModel(inner: model, gradient: configuration.attackerGradient,
                                   label: "rounding(\(digits) digits, \(configuration.attackerGradient.rawValue))") { p, _ in
            Self.rounded(p, digits: digits)
        }
    }
}
