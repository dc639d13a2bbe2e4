import Foundation

/// Full-reference image quality on images in [0, 1]: PSNR and SSIM (Wang, Bovik, Sheikh and
/// Simoncelli, "Image quality assessment: from error visibility to structural similarity",
/// IEEE TIP 2004).
public enum ImageQuality {
    /// Peak signal-to-noise ratio in dB, `10 log10(L^2 / MSE)` with the MSE over every pixel and
    /// channel. Identical images give `+inf` (tables print `inf`); NaN for empty or mismatched
    /// inputs.
    public static func psnr(_ a: [Float], _ b: [Float], dataRange: Double = 1) -> Double {
        guard !a.isEmpty, a.count == b.count else { return .nan }
        var total = 0.0
        for index in a.indices {
            let difference = Double(a[index]) - Double(b[index])
            total += difference * difference
        }
        let mse = total / Double(a.count)
        if mse == 0 { return .infinity }
        return 10 * log10(dataRange * dataRange / mse)
    }

    /// Parameters of SSIM; the defaults are Wang et al.'s (11x11 Gaussian window, sigma 1.5,
    /// K1 = 0.01, K2 = 0.03, dynamic range L = 1 for images in [0, 1]).
    public struct SSIMParameters: Sendable, Equatable {
        public var window: Int
        public var sigma: Double
        public var k1: Double
        public var k2: Double
        public var dataRange: Double

        public init(window: Int = 11, sigma: Double = 1.5, k1: Double = 0.01, k2: Double = 0.03, dataRange: Double = 1) {
            self.window = window
            self.sigma = sigma
            self.k1 = k1
            self.k2 = k2
            self.dataRange = dataRange
        }
    }

    /// The window side used for an `height x width` image: the configured (odd) side, shrunk to
    /// the largest odd number not above the smaller image side when the image is smaller than
    /// the window (a 7x9 image gets a 7x7 window; the Gaussian keeps its sigma and is truncated
    /// and renormalised). Wang et al. define SSIM only for images at least as large as the window;
    /// scikit-image refuses smaller ones.
    public static func effectiveWindow(_ window: Int, height: Int, width: Int) -> Int {
        let side = min(window, height, width)
        return max(1, side % 2 == 1 ? side : side - 1)
    }

    /// Normalised 1-D Gaussian weights of odd length `size` (the 2-D window is their outer
    /// product, which is then normalised too).
    public static func gaussianWeights(size: Int, sigma: Double) -> [Double] {
        let radius = Double(size / 2)
        let raw = (0..<size).map { exp(-((Double($0) - radius) * (Double($0) - radius)) / (2 * sigma * sigma)) }
        let sum = raw.reduce(0, +)
        return raw.map { $0 / sum }
    }

    /// Mean SSIM of two `channels x height x width` images (row-major), computed per channel
    /// over every window position lying fully inside the image ("valid" positions, as Wang et
    /// al.'s reference implementation), then averaged over channels. NaN for mismatched sizes.
    public static func ssim(_ a: [Float], _ b: [Float], channels: Int, height: Int, width: Int,
                            parameters: SSIMParameters = SSIMParameters()) -> Double {
        let plane = height * width
        guard channels > 0, plane > 0, a.count == channels * plane, b.count == a.count else { return .nan }
        let size = effectiveWindow(parameters.window, height: height, width: width)
        let weights = gaussianWeights(size: size, sigma: parameters.sigma)
        let c1 = (parameters.k1 * parameters.dataRange) * (parameters.k1 * parameters.dataRange)
        let c2 = (parameters.k2 * parameters.dataRange) * (parameters.k2 * parameters.dataRange)
        var total = 0.0
        for channel in 0..<channels {
            let x = a[(channel * plane)..<((channel + 1) * plane)].map(Double.init)
            let y = b[(channel * plane)..<((channel + 1) * plane)].map(Double.init)
            let filter = { (values: [Double]) in validFilter(values, height: height, width: width, weights: weights) }
            let meanX = filter(x), meanY = filter(y)
            let meanXX = filter(zip(x, x).map(*)), meanYY = filter(zip(y, y).map(*)), meanXY = filter(zip(x, y).map(*))
            var sum = 0.0
            for index in meanX.indices {
                let (mx, my) = (meanX[index], meanY[index])
                let varianceX = meanXX[index] - mx * mx, varianceY = meanYY[index] - my * my
                let covariance = meanXY[index] - mx * my
                sum += ((2 * mx * my + c1) * (2 * covariance + c2)) / ((mx * mx + my * my + c1) * (varianceX + varianceY + c2))
            }
            total += sum / Double(meanX.count)
        }
        return total / Double(channels)
    }

    /// Separable weighted average over every fully contained window: `(h-s+1) x (w-s+1)` values.
    static func validFilter(_ values: [Double], height: Int, width: Int, weights: [Double]) -> [Double] {
        let size = weights.count
        let outWidth = width - size + 1, outHeight = height - size + 1
        var horizontal = [Double](repeating: 0, count: height * outWidth)
        for row in 0..<height {
            for column in 0..<outWidth {
                var sum = 0.0
                for tap in 0..<size { sum += weights[tap] * values[row * width + column + tap] }
                horizontal[row * outWidth + column] = sum
            }
        }
        var result = [Double](repeating: 0, count: outHeight * outWidth)
        for row in 0..<outHeight {
            for column in 0..<outWidth {
                var sum = 0.0
                for tap in 0..<size { sum += weights[tap] * horizontal[(row + tap) * outWidth + column] }
                result[row * outWidth + column] = sum
            }
        }
        return result
    }
}
