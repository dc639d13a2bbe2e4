import Foundation
import InvLabCore
import InvLabMetrics
import Testing

/// PSNR and SSIM on hand-made images; the reference values for the non-trivial pairs were
/// computed independently with scikit-image 0.26 (`structural_similarity(x, y,
/// gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1.0)`, which is
/// Wang et al.'s setting) and `peak_signal_noise_ratio(x, y, data_range=1.0)`.
@Suite struct ImageQualityTests {
    /// x[i][j] = ((7i + 3j) mod 11) / 16, y[i][j] = ((5i + j^2) mod 13) / 16, 12 x 13 grey.
    static let grey: (x: [Float], y: [Float]) = {
        var x: [Float] = [], y: [Float] = []
        for i in 0..<12 { for j in 0..<13 {
            x.append(Float((i * 7 + j * 3) % 11) / 16)
            y.append(Float((i * 5 + j * j) % 13) / 16)
        } }
        return (x, y)
    }()

    @Test func psnrOfIdenticalImagesIsInfiniteAndPrintsAsInf() {
        let image: [Float] = [0, 0.25, 0.5, 1]
        let value = ImageQuality.psnr(image, image)
        #expect(value == .infinity)
        #expect(formatNumber(value) == "inf")
        let table = TextTable(columns: ["psnr"], rows: [[formatNumber(value)]])
        #expect(table.csv == "psnr\ninf\n")
    }

    @Test func psnrOfAKnownPair() {
        // MSE = 0.25^2 = 0.0625, PSNR = 10 log10(16) dB.
        let a = [Float](repeating: 0.5, count: 20), b = [Float](repeating: 0.75, count: 20)
        #expect(abs(ImageQuality.psnr(a, b) - 10 * log10(16.0)) < 1e-12)
        #expect(abs(ImageQuality.psnr(Self.grey.x, Self.grey.y) - 10.94994846570807) < 1e-9)
        #expect(ImageQuality.psnr([], []).isNaN)
        #expect(ImageQuality.psnr([0, 1], [0]).isNaN)
    }

    @Test func ssimOfIdenticalImagesIsOne() {
        let value = ImageQuality.ssim(Self.grey.x, Self.grey.x, channels: 1, height: 12, width: 13)
        #expect(abs(value - 1) < 1e-12)
    }

    @Test func ssimOfConstantImagesMatchesTheClosedForm() {
        // No variance: SSIM = (2ab + C1) / (a^2 + b^2 + C1), C1 = 0.01^2 (5x5 images use a 5x5 window).
        let a = [Float](repeating: 0.5, count: 25), b = [Float](repeating: 0.25, count: 25)
        let c1 = 0.0001
        let expected = (2 * 0.5 * 0.25 + c1) / (0.25 + 0.0625 + c1)
        #expect(abs(ImageQuality.ssim(a, b, channels: 1, height: 5, width: 5) - expected) < 1e-12)
    }

    @Test func ssimMatchesScikitImageOnGreyAndColourPairs() {
        let grey = ImageQuality.ssim(Self.grey.x, Self.grey.y, channels: 1, height: 12, width: 13)
        #expect(abs(grey - 0.20463407249740562) < 1e-9, "got \(grey)")
        var a: [Float] = [], b: [Float] = []
        for k in 0..<3 { for i in 0..<14 { for j in 0..<11 {
            a.append(Float((k * 3 + i * 2 + j * 5) % 9) / 16)
            b.append(Float((k + i * i + j * 3) % 7) / 16)
        } } }
        let colour = ImageQuality.ssim(a, b, channels: 3, height: 14, width: 11)
        #expect(abs(colour - -0.0417713124899442) < 1e-9, "got \(colour)")
    }

    @Test func smallImagesShrinkTheWindowToTheLargestOddSideThatFits() {
        #expect(ImageQuality.effectiveWindow(11, height: 64, width: 64) == 11)
        #expect(ImageQuality.effectiveWindow(11, height: 7, width: 9) == 7)
        #expect(ImageQuality.effectiveWindow(11, height: 8, width: 30) == 7)
        #expect(ImageQuality.effectiveWindow(11, height: 1, width: 1) == 1)
        // A 1x1 image compares its single pixel: luminance term only.
        let value = ImageQuality.ssim([0.5], [0.25], channels: 1, height: 1, width: 1)
        #expect(abs(value - (0.25 + 0.0001) / (0.3125 + 0.0001)) < 1e-12)
        #expect(ImageQuality.ssim([0.5], [0.25, 0.5], channels: 1, height: 1, width: 1).isNaN)
    }

    @Test func gaussianWindowIsNormalisedAndSymmetric() {
        let weights = ImageQuality.gaussianWeights(size: 11, sigma: 1.5)
        #expect(weights.count == 11)
        #expect(abs(weights.reduce(0, +) - 1) < 1e-12)
        #expect(weights[0] == weights[10] && weights[5] == weights.max())
    }
}
