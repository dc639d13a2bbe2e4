import InvLabCore
import InvLabSpec

/// Registers every plugin of this module.
public enum InvLabMetricsModule {
    public static let name = "InvLabMetrics"

    public static func register(into registries: inout Registries) throws {
        try registries.register(AttackAccuracyMetric.self, module: name)
        try registries.register(TargetConfidenceMetric.self, module: name)
        try registries.register(KNNDistanceMetric.self, module: name)
        try registries.register(ImageSimilarityMetric.self, module: name)
        try registries.register(RecognitionAccuracyMetric.self, module: name)
        try registries.register(DecoyRateMetric.self, module: name)
        try registries.register(CostMetric.self, module: name)
        try registries.register(EvaluatorProbesMetric.self, module: name)
        try registries.register(JudgeValidityMetric.self, module: name)
        try registries.register(JudgeDoseMetric.self, module: name)
        try registries.register(ObjectiveMetric.self, module: name)
        try registries.register(AdaptiveAttackMetric.self, module: name)
        registries.defaultMetrics = ["attack_accuracy", "judge_validity", "judge_dose", "target_confidence", "knn_distance",
                                     "image_similarity", "recognition_accuracy", "decoy_rate", "objective", "cost"].map { PluginNode(id: $0) }
    }
}
