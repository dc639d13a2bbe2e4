import Foundation
import InvLabCore
import InvLabTensor

/// Degraded copies of a labelled set, for probing how robust the evaluation classifier is
/// (the article's method notes: an evaluator that fails on slightly blurred, noisy or averaged
/// faces makes every attack look like chance).
enum ProbeImages {
    /// Gaussian blur of every image (`N x C x H x W`): a sampled Gaussian kernel of radius
    /// ceil(3 sigma), normalised, applied separably with edge replication.
    static func blurred(_ images: Tensor, sigma: Double) -> Tensor {
        guard images.rank == 4, images.count > 0 else { return images }
        let (n, c, h, w) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        let radius = max(1, Int((3 * sigma).rounded(.up)))
        let raw = (-radius...radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let total = raw.reduce(0, +)
        let kernel = raw.map { Float($0 / total) }
        let source = images.scalars
        var horizontal = source, result = source
        for plane in 0..<(n * c) {
            let base = plane * h * w
            for y in 0..<h { for x in 0..<w {
                var sum: Float = 0
                for (tap, weight) in kernel.enumerated() {
                    sum += weight * source[base + y * w + min(w - 1, max(0, x + tap - radius))]
                }
                horizontal[base + y * w + x] = sum
            } }
            for y in 0..<h { for x in 0..<w {
                var sum: Float = 0
                for (tap, weight) in kernel.enumerated() {
                    sum += weight * horizontal[base + min(h - 1, max(0, y + tap - radius)) * w + x]
                }
                result[base + y * w + x] = sum
            } }
        }
        return Tensor(shape: images.shape, scalars: result)
    }

    /// Images with additive Gaussian noise of standard deviation `std`, clamped to [0, 1].
    static func noisy(_ images: Tensor, std: Double, generator: inout SeededGenerator) -> Tensor {
        let noise = Tensor.normal(images.shape, standardDeviation: Float(std), generator: &generator)
        return (images + noise).clamped(to: 0...1)
    }

    /// Per image with at least one other image of its class: `share * x_i + (1 - share) * x_j`
    /// with a partner j of the same class drawn from `generator`, labelled as x_i. Images whose
    /// class has a single image are left out.
    static func averaged(_ set: LabeledSet, share: Double, generator: inout SeededGenerator) -> LabeledSet {
        var byClass: [Int: [Int]] = [:]
        for (index, label) in set.labels.enumerated() { byClass[label, default: []].append(index) }
        var first: [Int] = [], second: [Int] = []
        for (index, label) in set.labels.enumerated() {
            let partners = byClass[label, default: []].filter { $0 != index }
            guard !partners.isEmpty else { continue }
            first.append(index)
            second.append(partners[generator.nextInt(below: partners.count)])
        }
        guard !first.isEmpty else { return LabeledSet(images: Tensor(zeros: [0] + Array(set.images.shape.dropFirst())), labels: []) }
        let mixed = set.images.gathering(rows: first) * Float(share) + set.images.gathering(rows: second) * Float(1 - share)
        return LabeledSet(images: mixed, labels: first.map { set.labels[$0] })
    }
}
