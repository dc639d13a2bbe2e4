import Foundation
import InvLabCore
import InvLabNN
import InvLabSpec
import InvLabTensor

/// How an adaptive attacker probes the published model on attacker-side, real-looking inputs:
/// the public faces, their mirror images, samples of a generator fitted on the public faces and
/// mixtures of two public faces, within a query budget.
public struct ProbeConfig: SpecConfig, Equatable, Sendable {
    public var budget = 1000
    public var flips = true
    public var generatorSamples = 0
    public var generator = PluginNode(id: "pca", options: .mapping(["components": .value(.int(50))]))
    public var mixtures = true
    public var noise = 0.02

    public init() {}

    public static var fields: [SpecField<Self>] { [
        SpecField("budget", \.budget, doc: """
            Queries (images through the published model) the probe may spend, for the whole trial: the public faces \
            first (a seeded sample when there are more than the budget), then their mirror images, then mixtures.
            """, range: 1...10_000_000),
        SpecField("flips", \.flips, doc: "Also query the public faces mirrored left-right."),
        SpecField("generator_samples", \.generatorSamples, doc: """
            Also query this many random samples of `generator` (after the faces and their mirror images, before the \
            mixtures; within the budget). 0 queries none.
            """, range: 0...10_000_000),
        SpecField("generator", \.generator, doc: """
            The generator plugin (`pca`, `vae`, `dcgan`) the attacker fits on the public faces for `generator_samples` \
            (random latents of its prior).
            """),
        SpecField("mixtures", \.mixtures, doc: "Fill the rest of the budget with mixtures a x1 + (1 - a) x2 of two public faces, a uniform in [0.3, 0.7]."),
        SpecField("noise", \.noise, doc: "Standard deviation of Gaussian pixel noise added to mirrored and mixed probes (then clamped to [0, 1]); 0 adds none.",
                  range: 0...1),
    ] }
}

/// What the probe found out about `g = lambda f + (1 - lambda) f'`.
public struct LambdaEstimate: Sendable, Equatable {
    /// The estimate of lambda: the median over probes of `1 - K * median_k g_k(x)`, clamped to [0, 1].
    public var lambda: Double
    /// `(max_x max_k g_k(x) - 1/K) / (1 - 1/K)`, clamped to [0, 1]: a lower bound of lambda when f'
    /// is exactly uniform on the probes (a real face reaches at most lambda + (1 - lambda)/K).
    public var ceilingBound: Double
    /// The largest published probability seen on any probe.
    public var maxConfidence: Double
    /// Queries spent.
    public var queries: Int
    public var classes: Int

    /// The published probability of class j that a real face of person j reaches when f is sure
    /// of it: `lambda + (1 - lambda) / K` at the estimated lambda.
    public var realFaceLevel: Double { lambda + (1 - lambda) / Double(classes) }

    public var summary: String {
        String(format: "lambda estimate %.3f (lower bound from the largest confidence %.3f: %.3f) from %d queries",
               lambda, maxConfidence, ceilingBound, queries)
    }
}

/// Estimating lambda of the dummy-recognizer defense from queries on real-looking inputs.
///
/// The published method trains f' toward the uniform output on real faces, so there
/// `g(x) ~ lambda f(x) + (1 - lambda)/K`. A confident f puts almost nothing on most classes, so the
/// median class output of g is about `(1 - lambda)/K` and `1 - K * median_k g_k(x)` estimates
/// lambda from one query; the median over probes makes it robust to the probes where f hesitates
/// or f' strays from uniform. The estimate is exact when f' is uniform on the probes and f gives at
/// least half of the classes probability ~0; f' above uniform on the median classes biases it down,
/// below uniform biases it up.
public enum LambdaProbe {
    /// The probe images (at most `config.budget`), drawn with `seed`; `samples` are the
    /// generator's (at least `config.generatorSamples` rows when that is not 0).
    public static func inputs(publicImages: Tensor, config: ProbeConfig, seed: UInt64, samples: Tensor? = nil) -> Tensor {
        let count = publicImages.shape[0]
        guard count > 0 else { return publicImages }
        var generator = SeededGenerator(seed: seed).fork("lambda probe")
        let shape = Array(publicImages.shape.dropFirst())
        var order = Array(0..<count)
        order.seededShuffle(using: &generator)
        var parts: [Tensor] = [publicImages.gathering(rows: Array(order.prefix(config.budget)))]
        var remaining = config.budget - min(count, config.budget)
        if config.flips && remaining > 0 {
            let picked = Array(order.prefix(remaining))
            parts.append(noisy(mirrored(publicImages.gathering(rows: picked)), config.noise, &generator))
            remaining -= picked.count
        }
        if let samples, config.generatorSamples > 0 && remaining > 0 {
            let taken = min(config.generatorSamples, remaining, samples.shape[0])
            parts.append(samples.gathering(rows: Array(0..<taken)))
            remaining -= taken
        }
        if config.mixtures && remaining > 0 && count >= 2 {
            let size = shape.reduce(1, *)
            var scalars = [Float](repeating: 0, count: remaining * size)
            publicImages.withUnsafeBufferPointer { p in
                for row in 0..<remaining {
                    let a = Int(generator.next() % UInt64(count))
                    var b = Int(generator.next() % UInt64(count - 1))
                    if b >= a { b += 1 }
                    let weight = 0.3 + 0.4 * Float(generator.next() % 1_000_001) / 1_000_000
                    for i in 0..<size { scalars[row * size + i] = weight * p[a * size + i] + (1 - weight) * p[b * size + i] }
                }
            }
            parts.append(noisy(Tensor(shape: [remaining] + shape, scalars: scalars), config.noise, &generator))
        }
        return parts.count == 1 ? parts[0] : Tensor.concatenate(parts, alongAxis: 0)
    }

    static func mirrored(_ images: Tensor) -> Tensor {
        let width = images.shape[images.rank - 1]
        let scalars = images.scalars
        var out = scalars
        for start in stride(from: 0, to: scalars.count, by: width) {
            for i in 0..<width { out[start + i] = scalars[start + width - 1 - i] }
        }
        return Tensor(shape: images.shape, scalars: out)
    }

    static func noisy(_ images: Tensor, _ deviation: Double, _ generator: inout SeededGenerator) -> Tensor {
        guard deviation > 0 else { return images }
        var result = images + Tensor.normal(images.shape, standardDeviation: Float(deviation), generator: &generator)
        result.clamp(to: 0...1)
        return result
    }

    /// The estimate from published probabilities `outputs` (`N x K`) of real-looking probes.
    public static func estimate(outputs: Tensor, queries: Int) -> LambdaEstimate {
        let (rows, classes) = (outputs.shape[0], outputs.shape[1])
        let k = Double(classes)
        var perProbe: [Double] = [], top: Float = 0
        let scalars = outputs.scalars
        for row in 0..<rows {
            let values = scalars[(row * classes)..<((row + 1) * classes)].sorted()
            top = max(top, values.last ?? 0)
            perProbe.append(1 - k * Double(median(values)))
        }
        let lambda = min(1, max(0, median(perProbe.sorted())))
        let bound = classes > 1 ? min(1, max(0, (Double(top) - 1 / k) / (1 - 1 / k))) : 1
        return LambdaEstimate(lambda: lambda, ceilingBound: bound, maxConfidence: Double(top), queries: queries, classes: classes)
    }

    static func median<T: BinaryFloatingPoint>(_ sorted: [T]) -> T {
        guard !sorted.isEmpty else { return 0 }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// Probes `model` on `inputs(...)` and estimates lambda.
    public static func run(_ model: any PublishedModel, publicImages: Tensor, config: ProbeConfig, seed: UInt64, samples: Tensor? = nil)
        -> (inputs: Tensor, outputs: Tensor, estimate: LambdaEstimate) {
        let probes = inputs(publicImages: publicImages, config: config, seed: seed, samples: samples)
        let outputs = probes.mappingRowChunks(SearchProblem.queryChunk) { model.query($0) }
        return (probes, outputs, estimate(outputs: outputs, queries: probes.shape[0]))
    }

    /// f's probabilities as the attacker reconstructs them from g on real-looking inputs:
    /// `(g - (1 - lambda)/K) / lambda`, negative parts cut to 0 and rows renormalised.
    public static func rescaled(_ outputs: Tensor, lambda: Double) -> Tensor {
        let (rows, classes) = (outputs.shape[0], outputs.shape[1])
        let floor = Float((1 - lambda) / Double(classes)), scale = Float(max(lambda, 1e-6))
        var scalars = outputs.scalars
        for row in 0..<rows {
            var total: Float = 0
            for c in 0..<classes {
                let v = max(0, (scalars[row * classes + c] - floor) / scale)
                scalars[row * classes + c] = v
                total += v
            }
            for c in 0..<classes {
                scalars[row * classes + c] = total > 0 ? scalars[row * classes + c] / total : 1 / Float(classes)
            }
        }
        return Tensor(shape: outputs.shape, scalars: scalars)
    }
}

/// What an adaptive attack found out and made, kept for the `adaptive_attack` metric of the same
/// trial (the `AttackResult` has no place for it). Looked up by the attack result it belongs to.
public struct AdaptiveAttackReport: @unchecked Sendable {
    public var estimate: LambdaEstimate
    /// The student network of the `surrogate` attack (nil for other attacks).
    public var student: Network?
    public init(estimate: LambdaEstimate, student: Network? = nil) {
        self.estimate = estimate
        self.student = student
    }
}

/// The reports of adaptive attacks in this process, keyed by a fingerprint of the result's targets
/// and reconstructions. A result loaded from disk by another process has none (its metric columns
/// are then empty).
public final class AdaptiveAttackReports: @unchecked Sendable {
    public static let shared = AdaptiveAttackReports()
    private let lock = NSLock()
    private var reports: [UInt64: AdaptiveAttackReport] = [:]

    public func record(_ report: AdaptiveAttackReport, for result: AttackResult) {
        let key = Self.fingerprint(result)
        lock.lock(); defer { lock.unlock() }
        reports[key] = report
    }

    public func report(for result: AttackResult) -> AdaptiveAttackReport? {
        let key = Self.fingerprint(result)
        lock.lock(); defer { lock.unlock() }
        return reports[key]
    }

    /// FNV-1a over the targets and the bit patterns of the reconstructions.
    static func fingerprint(_ result: AttackResult) -> UInt64 {
        var hash: UInt64 = 0xcbf29ce484222325
        func mix(_ value: UInt64) {
            hash ^= value
            hash = hash &* 0x100000001b3
        }
        for target in result.targets { mix(UInt64(bitPattern: Int64(target))) }
        result.reconstructions.withUnsafeBufferPointer { p in
            for value in p { mix(UInt64(value.bitPattern)) }
        }
        return hash
    }
}

/// How an adaptive attack picks one attempt per identity among its restarts.
public enum RestartSelection: String, SpecEnum, Sendable {
    /// The attempt the published model gives the highest target probability (as `gradient`).
    case confidence
    /// The attempt a `realism_prior` regularizer of the attack scores lowest (most real-looking).
    case realism
}

extension AttackResult {
    /// This result with per identity the attempt of lowest `scores` (one per attempt) selected,
    /// its curve taken from `curves` (one per attempt) and its objective split recomputed.
    func reselected(lowest scores: [Float], curves: [[Float]], objective: (_ rows: [Int]) -> ObjectiveSplit?,
                    starts: (_ rows: [Int]) -> Tensor?) -> AttackResult {
        let k = restarts
        var selected: [Int] = []
        for identity in targets.indices {
            let rows = (identity * k)..<((identity + 1) * k)
            var best = rows.lowerBound
            for row in rows where scores[row] < scores[best] { best = row }
            selected.append(best - rows.lowerBound)
        }
        let rows = selected.enumerated().map { $0.offset * k + $0.element }
        var result = self
        result.selectedAttempt = selected
        result.reconstructions = attempts.gathering(rows: rows)
        result.lossCurves = rows.map { curves[$0] }
        result.objective = objective(rows)
        result.starts = starts(rows)
        return result
    }
}
