import InvLabTensor

extension Network {
    /// One optimizer step on a mini-batch: a training-mode forward pass of `x`, `loss(logits,
    /// context)` differentiated with respect to every parameter, the optimizer's update, and the
    /// batch-norm running statistics of the pass written back. The classifier trainer and the
    /// dummy recognizer's trainer differ only in `loss`.
    ///
    /// Throws `NumericalFault` (naming `stage` and `step`) before updating anything when the
    /// loss is not finite. Returns the loss and the predicted class of every row.
    public mutating func trainingStep(_ x: Tensor, optimizer: inout any Optimizer, generator: SeededGenerator,
                                      stage: String, step: Int,
                                      loss: (_ logits: Var, _ context: ForwardContext) -> Var) throws -> (loss: Float, predicted: [Int]) {
        let network = self
        var context: ForwardContext?
        var logits = Tensor(zeros: [])
        let (value, gradients) = valueWithGradient(at: state.parameterList) { parameters in
            let (output, forwardContext) = network.forward(Var(constant: x), parameters: parameters, mode: .training, generator: generator)
            context = forwardContext
            logits = output.value
            return loss(output, forwardContext)
        }
        guard value.scalar.isFinite else { throw NumericalFault(stage: stage, step: step, quantity: "loss") }
        var parameters = state.parameterList
        optimizer.update(&parameters, gradients: gradients)
        state.setParameters(parameters)
        for (name, buffer) in context?.updatedBuffers ?? [:] { state.buffers[name] = buffer }
        return (value.scalar, logits.argmaxRows())
    }
}
