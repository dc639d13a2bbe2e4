import Foundation
import InvLabCore
import InvLabSpec
import InvLabTensor

/// Pixel-level likeness of a reconstruction to the attacked person: PSNR and SSIM (Wang et al.
/// 2004) against the person's private training image that is nearest in pixel space.
public struct ImageSimilarityMetric: MetricPlugin {
    public struct Configuration: SpecConfig {
        public var window = 11
        public var sigma = 1.5
        public var k1 = 0.01
        public var k2 = 0.03
        public init() {}
        public static var fields: [SpecField<Self>] { [
            SpecField("window", \.window, doc: "Side of the SSIM Gaussian window (odd); images smaller than it use the largest odd side that fits.",
                      range: 1...63, check: { $0 % 2 == 1 ? nil : "expected an odd window side, got \($0)" }),
            SpecField("sigma", \.sigma, doc: "Standard deviation of the SSIM Gaussian window, in pixels.", bounds: .greaterThan(0)),
            SpecField("k1", \.k1, doc: "SSIM stabilising constant K1 (C1 = (K1 L)^2, L = 1).", bounds: .greaterThan(0)),
            SpecField("k2", \.k2, doc: "SSIM stabilising constant K2 (C2 = (K2 L)^2, L = 1).", bounds: .greaterThan(0)),
        ] }
    }

    public static let id = "image_similarity"
    public static let summary = "PSNR and SSIM between each reconstruction and the target's nearest (in pixels) private training image."
    public static let documentation = """
        The reference image of identity j is its private training image with the smallest squared L2 pixel \
        distance to the reconstruction (so the best-matching pose, not an arbitrary one). PSNR = 10 log10(1/MSE) \
        over all pixels and channels (+inf for identical images, printed `inf`). SSIM follows Wang et al. 2004: \
        Gaussian window (default 11x11, sigma 1.5, truncated to the window and normalised), K1 = 0.01, \
        K2 = 0.03, L = 1, mean over the window positions inside the image, computed per channel and averaged. \
        Images smaller than the window use the largest odd window that fits (deviation: the reference \
        implementation is undefined there). NaN when the identity has no training image. \
        Baselines: `psnr_start` and `ssim_start` are the same measures of the attack's untouched start image \
        (against its own nearest private image of the target), and `psnr_delta`, `ssim_delta` the reconstruction's \
        value minus the start's: an SSIM of 0.40 means nothing when the start image already scores 0.40. NaN \
        baselines when the attack reported no start images.
        """
    public static let example = """
        type: image_similarity
        window: 11
        sigma: 1.5
        """

    public let parameters: ImageQuality.SSIMParameters

    public init(configuration: Configuration, context: BuildContext) throws {
        parameters = ImageQuality.SSIMParameters(window: configuration.window, sigma: configuration.sigma,
                                                 k1: configuration.k1, k2: configuration.k2)
    }

    public var columns: [MetricColumn] { [
        MetricColumn("psnr", "PSNR (dB) between the reconstruction and the target's nearest private training image (inf when identical).",
                     perIdentity: true,
                     presentation: ColumnPresentation(summary: true)),
        MetricColumn("ssim", "SSIM (Wang et al. 2004) between the reconstruction and the target's nearest private training image.",
                     perIdentity: true,
                     presentation: ColumnPresentation(summary: true, headlineRank: 4)),
        MetricColumn("psnr_start", "PSNR of the attack's start image against the target's nearest private training image (the baseline).",
                     perIdentity: true,
                     presentation: .tableOnly),
        MetricColumn("ssim_start", "SSIM of the attack's start image against the target's nearest private training image (the baseline).",
                     perIdentity: true,
                     presentation: .tableOnly),
        MetricColumn("psnr_delta", "PSNR of the reconstruction minus that of its start image.", perIdentity: true,
                     presentation: .tableOnly),
        MetricColumn("ssim_delta", "SSIM of the reconstruction minus that of its start image.", perIdentity: true,
                     presentation: .tableOnly),
    ] }

    public func measure(_ input: MetricInput) throws -> [String: MetricValue] {
        let (psnr, ssim) = similarity(input.attack.reconstructions, input: input)
        var values: [String: MetricValue] = ["psnr": .perIdentity(psnr), "ssim": .perIdentity(ssim)]
        if let starts = input.attack.starts, starts.shape == input.attack.reconstructions.shape {
            let (psnrStart, ssimStart) = similarity(starts, input: input)
            values["psnr_start"] = .perIdentity(psnrStart)
            values["ssim_start"] = .perIdentity(ssimStart)
            values["psnr_delta"] = .perIdentity(zip(psnr, psnrStart).map { $0 - $1 })
            values["ssim_delta"] = .perIdentity(zip(ssim, ssimStart).map { $0 - $1 })
        } else {
            let missing = MetricValue.perIdentity(Array(repeating: .nan, count: psnr.count))
            for column in ["psnr_start", "ssim_start", "psnr_delta", "ssim_delta"] { values[column] = missing }
        }
        return values
    }

    /// PSNR and SSIM of each image (one per attacked identity) against the target's nearest private training image.
    func similarity(_ images: Tensor, input: MetricInput) -> (psnr: [Double], ssim: [Double]) {
        let shape = Array(images.shape.dropFirst())
        let (channels, height, width) = shape.count == 3 ? (shape[0], shape[1], shape[2]) : (1, 1, shape.reduce(1, *))
        let reconstructions = flatRows(images)
        var psnr: [Double] = [], ssim: [Double] = []
        for (row, target) in input.attack.targets.enumerated() {
            let real = flatRows(input.data.privateTrain.images(ofClass: target))
            guard let match = nearest(reconstructions[row], among: real) else {
                psnr.append(.nan); ssim.append(.nan)
                continue
            }
            psnr.append(ImageQuality.psnr(reconstructions[row], real[match.index]))
            ssim.append(ImageQuality.ssim(reconstructions[row], real[match.index], channels: channels, height: height, width: width,
                                          parameters: parameters))
        }
        return (psnr, ssim)
    }
}
