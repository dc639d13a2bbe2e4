import InvLabCore
import InvLabSpec

/// Registers every plugin of this module.
public enum InvLabMetricsModule {
    public static let name = "InvLabMetrics"

    public static func register(into registries: inout Registries) throws {
        try registries.register([
            AttackAccuracyMetric.self, TargetConfidenceMetric.self, KNNDistanceMetric.self,
            ImageSimilarityMetric.self, RecognitionAccuracyMetric.self, DecoyRateMetric.self, CostMetric.self,
            EvaluatorProbesMetric.self, JudgeValidityMetric.self, JudgeDoseMetric.self, ObjectiveMetric.self,
            AdaptiveAttackMetric.self], module: name)
        registries.defaultMetrics = ["attack_accuracy", "judge_validity", "judge_dose", "target_confidence", "knn_distance",
                                     "image_similarity", "recognition_accuracy", "decoy_rate", "objective", "cost"].map { PluginNode(id: $0) }
    }
}
