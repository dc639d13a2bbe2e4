import InvLabTensor

// Losses, all returning the mean over the batch (a scalar) unless named per-sample.

/// Cross-entropy of logits `N x K` against integer labels, with label smoothing `s`:
/// the target distribution is `(1 - s) * onehot + s / K`. Negative `s` is allowed and makes the
/// target sharper than one-hot (its true-class weight exceeds 1 and the others are negative),
/// which is the negative label smoothing defense of Struppek et al., ICLR 2024.
public func crossEntropy(logits: Var, labels: [Int], labelSmoothing: Float = 0) -> Var {
    let k = logits.shape[1]
    precondition(labels.count == logits.shape[0], "cross-entropy: \(labels.count) labels for \(logits.shape[0]) rows")
    let target = smoothedTargets(labels: labels, classes: k, smoothing: labelSmoothing)
    return -(logits.logSoftmax() * target).sum() / Float(labels.count)
}

/// The label-smoothed target distribution `(1 - s) * onehot + s / K`.
public func smoothedTargets(labels: [Int], classes: Int, smoothing: Float) -> Tensor {
    Tensor.oneHot(labels, classes: classes) * (1 - smoothing) + smoothing / Float(classes)
}

/// Mean over the batch of the per-sample summed squared error.
public func meanSquaredError(_ prediction: Var, _ target: Tensor) -> Var {
    (prediction - target).squared().sum() / Float(max(prediction.shape.first ?? 1, 1))
}

/// Binary cross-entropy on logits, `softplus(z) - y z`, averaged over all elements
/// (`torch.nn.BCEWithLogitsLoss`), stable for large |z|.
public func binaryCrossEntropy(logits: Var, targets: Tensor) -> Var {
    (logits.softplus() - logits * targets).mean()
}

/// KL divergence of N(mu, exp(logvar)) from N(0, I), summed over latent dimensions and averaged
/// over the batch: `-1/2 * sum(1 + logvar - mu^2 - exp(logvar))` (Kingma and Welling 2014, eq. 10).
public func gaussianKLDivergence(mean: Var, logVariance: Var) -> Var {
    let perElement = 1 + logVariance - mean.squared() - logVariance.exp()
    return perElement.sum() * (-0.5 / Float(max(mean.shape[0], 1)))
}
