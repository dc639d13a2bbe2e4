import Foundation

/// Result of a batch-norm step: the normalised output and the updated running statistics.
public struct BatchNormResult {
    public var output: Var
    public var runningMean: Tensor
    public var runningVariance: Tensor
}

extension Var {
    /// Batch normalisation over every axis but the channel axis 1 (`N x C` or `N x C x H x W`),
    /// as PyTorch's BatchNorm1d/2d: training mode normalises with the batch's mean and biased
    /// variance and moves the running statistics by `momentum` (running variance uses the
    /// unbiased estimate); evaluation mode uses the running statistics.
    public static func batchNorm(_ x: Var, gamma: Var, beta: Var, runningMean: Tensor, runningVariance: Tensor,
                                 training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5) -> BatchNormResult {
        let v = x.value
        precondition(v.rank == 2 || v.rank == 4, "batchNorm needs N x C or N x C x H x W, got \(v.shape)")
        let (n, c) = (v.shape[0], v.shape[1])
        let spatial = v.rank == 4 ? v.shape[2] * v.shape[3] : 1
        let m = n * spatial
        var mean = [Float](repeating: 0, count: c), variance = [Float](repeating: 0, count: c)
        if training {
            precondition(m > 1, "batchNorm in training mode needs more than one value per channel, got shape \(v.shape)")
            v.withUnsafeBufferPointer { p in
                for ch in 0..<c {
                    var total: Double = 0, squares: Double = 0
                    for image in 0..<n {
                        let base = (image * c + ch) * spatial
                        for i in 0..<spatial { let value = Double(p[base + i]); total += value; squares += value * value }
                    }
                    let mu = total / Double(m)
                    mean[ch] = Float(mu)
                    variance[ch] = Float(max(0, squares / Double(m) - mu * mu))
                }
            }
        } else {
            mean = runningMean.scalars
            variance = runningVariance.scalars
        }
        let invStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
        let (g, b) = (gamma.value.scalars, beta.value.scalars)
        var newMean = runningMean, newVariance = runningVariance
        if training {
            let unbiased = Float(m) / Float(max(m - 1, 1))
            newMean = Tensor(shape: [c], scalars: (0..<c).map { (1 - momentum) * runningMean.scalars[$0] + momentum * mean[$0] })
            newVariance = Tensor(shape: [c], scalars: (0..<c).map {
                (1 - momentum) * runningVariance.scalars[$0] + momentum * variance[$0] * unbiased
            })
        }
        // Evaluation mode (an attack on a trained model) with frozen statistics is an affine map per
        // channel: no normalised copy is kept, the images are split over the threads, and the
        // backward pass sums over the batch only for the gradients that are asked for.
        let minimumChunk = max(1, 16_384 / max(1, c * spatial))
        let y = Tensor(shape: v.shape, unsafeUninitialized: { out in
            v.withUnsafeBufferPointer { p in
                let (p, out) = (p, out)
                Parallel.forEachChunk(of: n, minimumChunk: minimumChunk) { images in
                    for image in images {
                        for ch in 0..<c {
                            let base = (image * c + ch) * spatial
                            for i in 0..<spatial { out[base + i] = (p[base + i] - mean[ch]) * invStd[ch] * g[ch] + b[ch] }
                        }
                    }
                }
            }
        })
        let output = record(y, inputs: [x, gamma, beta]) { grad in
            var sumG = [Float](repeating: 0, count: c), sumGX = [Float](repeating: 0, count: c)
            if training || gamma.isTracked || beta.isTracked {
                grad.withUnsafeBufferPointer { pg in
                    v.withUnsafeBufferPointer { p in
                        for image in 0..<n {
                            for ch in 0..<c {
                                let base = (image * c + ch) * spatial
                                for i in 0..<spatial {
                                    let normalised = (p[base + i] - mean[ch]) * invStd[ch]
                                    sumG[ch] += pg[base + i]; sumGX[ch] += pg[base + i] * normalised
                                }
                            }
                        }
                    }
                }
            }
            var dx: Tensor?
            if x.isTracked {
                dx = Tensor(shape: v.shape, unsafeUninitialized: { out in
                    grad.withUnsafeBufferPointer { pg in
                        v.withUnsafeBufferPointer { p in
                            let (pg, p, out) = (pg, p, out)
                            Parallel.forEachChunk(of: n, minimumChunk: minimumChunk) { images in
                                for image in images {
                                    for ch in 0..<c {
                                        let base = (image * c + ch) * spatial
                                        let scale = g[ch] * invStd[ch]
                                        if training {
                                            let meanG = sumG[ch] / Float(m), meanGX = sumGX[ch] / Float(m)
                                            for i in 0..<spatial {
                                                let normalised = (p[base + i] - mean[ch]) * invStd[ch]
                                                out[base + i] = scale * (pg[base + i] - meanG - normalised * meanGX)
                                            }
                                        } else {
                                            for i in 0..<spatial { out[base + i] = scale * pg[base + i] }
                                        }
                                    }
                                }
                            }
                        }
                    }
                })
            }
            return [dx, gamma.isTracked ? Tensor(shape: [c], scalars: sumGX) : nil,
                    beta.isTracked ? Tensor(shape: [c], scalars: sumG) : nil]
        }
        return BatchNormResult(output: output, runningMean: newMean, runningVariance: newVariance)
    }
}
