import Foundation
import InvLabCore
import InvLabIO
import InvLabNN
import InvLabSpec
import InvLabTensor

/// A generator that cannot be fitted to the images it was given.
public struct GeneratorFitError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Shared steps of fitting a generator: checking the public images, cache keys, seeds, progress.
enum GeneratorFitting {
    /// The images, checked to be a non-empty `N x C x H x W` batch.
    static func checked(_ images: Tensor, for id: String) throws -> Tensor {
        guard images.rank == 4 else {
            throw GeneratorFitError("generator '\(id)' needs public images as N x C x H x W, got shape \(images.shape)")
        }
        guard images.shape[0] > 0 else {
            throw GeneratorFitError("generator '\(id)' is fitted on the public split, but this experiment has no public images; "
                                    + "set data.public_identities (identities held out of the source) or data.public_source (another dataset)")
        }
        return images
    }

    /// SHA-256 of the images' shape and every pixel: the data part of a generator's cache key.
    /// The generator sees only the pixels, so it hashes them all (4 MB for 100 images of
    /// 112x92, well under a second).
    static func fingerprint(_ images: Tensor) -> String {
        var hash = SHA256()
        hash.update(Array("shape:\(images.shape)".utf8))
        images.withUnsafeBufferPointer { hash.update(UnsafeRawBufferPointer($0)) }
        return "images:" + hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The cache key of a generator: its id, every configuration key, the images, the seed.
    static func key<C: SpecConfig>(_ id: String, _ configuration: C, images: String, seed: UInt64, part: String) -> String {
        ModelCache.key(["generator:\(id)", emitFlowYAML(configuration.specNode), images, "seed:\(seed)", "part:\(part)", "engine:1"])
    }

    /// The stream of a generator's seeds (initialisations, then training), derived by name from
    /// the spec's seed, so a regulariser that builds the same generator gets the same seeds.
    static func seedStream(_ specSeed: UInt64, for id: String) -> SeededGenerator {
        SeededGenerator(seed: specSeed).fork("generator:\(id)")
    }

    /// The images resized to `side x side` (bilinear), as the square networks need.
    static func square(_ images: Tensor, side: Int) -> Tensor {
        images.shape[2] == side && images.shape[3] == side ? images : Tensor.resizeBilinear(images, height: side, width: side)
    }

    /// The generative trainers' settings from a generator's keys.
    static func settings(epochs: Int, batchSize: Int, lr: Float, seed: UInt64) -> GenerativeTrainingSettings {
        var settings = GenerativeTrainingSettings()
        settings.epochs = epochs
        settings.batchSize = batchSize
        settings.learningRate = lr
        settings.seed = seed
        return settings
    }

    /// A progress callback for the generative trainers that reports epochs and losses.
    static func reporter(_ stage: ProgressStage) -> (GenerativeEpochReport) -> Void {
        { report in
            let losses = report.losses.sorted { $0.key < $1.key }.map { "\($0.key) " + String(format: "%.4f", $0.value) }
            stage.update(report.epoch, detail: losses.joined(separator: ", "))
        }
    }

    /// The two networks of a generator (encoder and decoder, generator and discriminator), loaded
    /// from the cache or trained by `train` on the public images resized to `side x side`: cache
    /// keys from the configuration, the images and the training seed; a progress stage while
    /// training; a log line when both came from the cache. `extraKey` names any other data the
    /// training depends on (e.g. the target's labels of the images).
    static func trainedPair<C: SpecConfig>(
        _ id: String, _ configuration: C, images: Tensor, side: Int, parts: (String, String), templates: (Network, Network),
        settings: GenerativeTrainingSettings, environment: RunEnvironment, extraKey: String? = nil,
        train: (inout Network, inout Network, Tensor, GenerativeTrainingSettings, @escaping (GenerativeEpochReport) -> Void) throws -> Void
    ) throws -> NetworkPair {
        let fingerprint = fingerprint(images) + (extraKey.map { "|" + $0 } ?? "")
        let keys = (key(id, configuration, images: fingerprint, seed: settings.seed, part: parts.0),
                    key(id, configuration, images: fingerprint, seed: settings.seed, part: parts.1))
        var settings = settings
        settings.shouldStop = { environment.isCancelled }
        let (pair, cached) = try NetworkPair.cached(keys: keys, templates: templates, cache: environment.cache) { first, second in
            let stage = environment.progress.stage("training \(id)", total: settings.epochs, unit: "epochs")
            try train(&first, &second, square(images, side: side), settings, reporter(stage))
            stage.finish("\(images.shape[0]) public images at \(side)x\(side)")
        }
        if cached { environment.progress.log("\(id): \(parts.0) and \(parts.1) loaded from the model cache") }
        return pair
    }

    /// Checks that a square network side is one the architectures support.
    static func checkSide(_ side: Int) -> String? {
        GenerativeArchitectures.isSupportedSide(side) ? nil : "expected 32 or 64, got \(side)"
    }
}

/// The distribution a generator's latent codes are drawn from.
public enum LatentPrior: Sendable, Equatable {
    /// N(0, I).
    case normal
    /// U(-1, 1) in every coordinate.
    case uniform

    func sample(count: Int, size: Int, generator: inout SeededGenerator) -> Tensor {
        switch self {
        case .normal: return Tensor.normal([count, size], generator: &generator)
        case .uniform: return Tensor.uniform([count, size], low: -1, high: 1, generator: &generator)
        }
    }
}
