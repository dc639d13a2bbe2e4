import Foundation
import InvLabTensor

/// Applies `AugmentationConfig` to a training batch (`N x C x H x W` in [0, 1]).
public struct Augmenter: Sendable {
    public var config: AugmentationConfig
    public init(_ config: AugmentationConfig) { self.config = config }

    public func apply(_ batch: Tensor, labels: [Int], generator: inout SeededGenerator) -> Tensor {
        if config.isIdentity { return batch }
        let (n, c, h, w) = (batch.shape[0], batch.shape[1], batch.shape[2], batch.shape[3])
        let size = c * h * w
        var source = batch.scalars
        var out = source
        for i in 0..<n {
            var image = Array(source[(i * size)..<((i + 1) * size)])
            if config.mix > 0, Double(generator.nextUniform()) < config.mix {
                let partners = labels.indices.filter { $0 != i && labels[$0] == labels[i] }
                if !partners.isEmpty {
                    let j = partners[generator.nextInt(below: partners.count)]
                    let share = 0.3 + 0.4 * generator.nextUniform()
                    for k in 0..<size { image[k] = share * image[k] + (1 - share) * source[j * size + k] }
                }
            }
            if config.flip, generator.nextUniform() < 0.5 { image = Self.flipped(image, c, h, w) }
            if config.shift > 0 {
                let dx = generator.nextInt(below: 2 * config.shift + 1) - config.shift
                let dy = generator.nextInt(below: 2 * config.shift + 1) - config.shift
                image = Self.shifted(image, c, h, w, dx: dx, dy: dy)
            }
            if config.blur > 0, Double(generator.nextUniform()) < config.blur {
                for _ in 0..<(1 + generator.nextInt(below: 3)) { image = Self.blurred(image, c, h, w) }
            }
            if config.brightness > 0 {
                let contrast = 1 + Float(config.brightness) * (2 * generator.nextUniform() - 1)
                let offset = Float(config.brightness) * (generator.nextUniform() - 0.5)
                for k in 0..<size { image[k] = (image[k] - 0.5) * contrast + 0.5 + offset }
            }
            if config.noise > 0 {
                for k in 0..<size { image[k] += Float(config.noise) * generator.nextNormal() }
            }
            for k in 0..<size { out[i * size + k] = min(1, max(0, image[k])) }
        }
        source = []
        return Tensor(shape: batch.shape, scalars: out)
    }

    static func flipped(_ image: [Float], _ c: Int, _ h: Int, _ w: Int) -> [Float] {
        var result = image
        for plane in 0..<c { for y in 0..<h { for x in 0..<w {
            result[(plane * h + y) * w + x] = image[(plane * h + y) * w + (w - 1 - x)]
        } } }
        return result
    }

    /// Translation with edge replication.
    static func shifted(_ image: [Float], _ c: Int, _ h: Int, _ w: Int, dx: Int, dy: Int) -> [Float] {
        var result = image
        for plane in 0..<c { for y in 0..<h { for x in 0..<w {
            let sy = min(h - 1, max(0, y - dy)), sx = min(w - 1, max(0, x - dx))
            result[(plane * h + y) * w + x] = image[(plane * h + sy) * w + sx]
        } } }
        return result
    }

    /// Separable [1, 2, 1] / 4 binomial blur with edge replication.
    static func blurred(_ image: [Float], _ c: Int, _ h: Int, _ w: Int) -> [Float] {
        var horizontal = image, result = image
        for plane in 0..<c { for y in 0..<h { for x in 0..<w {
            let row = (plane * h + y) * w
            horizontal[row + x] = 0.25 * image[row + max(0, x - 1)] + 0.5 * image[row + x] + 0.25 * image[row + min(w - 1, x + 1)]
        } } }
        for plane in 0..<c { for y in 0..<h { for x in 0..<w {
            let base = plane * h * w
            result[base + y * w + x] = 0.25 * horizontal[base + max(0, y - 1) * w + x] + 0.5 * horizontal[base + y * w + x]
                + 0.25 * horizontal[base + min(h - 1, y + 1) * w + x]
        } } }
        return result
    }
}
