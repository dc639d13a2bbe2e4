import InvLabTensor

/// Converts image batches to the channels and size a spec asks for.
public enum ImageConversion {
    /// `N x C x H x W` to `N x channels x height x width`: grey to RGB by replication, RGB to
    /// grey by ITU-R 601 luma, resizing by integer box averaging (for large reductions) then
    /// bilinear resampling.
    public static func convert(_ images: Tensor, channels: Int, height: Int, width: Int) -> Tensor {
        var result = images
        let c = result.shape[1]
        if c == 3 && channels == 1 {
            let r = result.slice(alongAxis: 1, 0..<1), g = result.slice(alongAxis: 1, 1..<2), b = result.slice(alongAxis: 1, 2..<3)
            result = r * 0.299 + g * 0.587 + b * 0.114
        } else if c == 1 && channels == 3 {
            result = Tensor.concatenate([result, result, result], alongAxis: 1)
        }
        var (h, w) = (result.shape[2], result.shape[3])
        // Box-average by the integer factor that keeps the image at least twice the target size.
        let factor = min(h / max(2 * height, 1), w / max(2 * width, 1))
        if factor >= 2 && h % factor == 0 && w % factor == 0 {
            result = Tensor.avgPool2d(result, kernel: factor)
            (h, w) = (result.shape[2], result.shape[3])
        }
        if h != height || w != width {
            result = Tensor.resizeBilinear(result, height: height, width: width).clamped(to: 0...1)
        }
        return result
    }
}
