import InvLabONNX

/// `invlab export` writes an imported model back as its own graph with the run's weights
/// (`NetworkExport` finds the model through `ImportedONNXLayer`); the layer's parameters are
/// already named after the model's initializers.
extension ONNXClassifierLayer: ImportedONNXLayer {
    var importedModel: ONNXModel { model }
}
