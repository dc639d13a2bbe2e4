import Foundation

// Max and average pooling over the last two axes of an NCHW tensor (PyTorch semantics:
// floor output size, implicit padding that never wins a max, average over the full window
// including padding, i.e. `count_include_pad=True`). Windows may be rectangular, with their own
// stride per axis, padding that differs on each side, and (for both kinds) dilation, as ONNX's
// MaxPool and AveragePool allow; the square calls are the same kernels with equal values.

/// A pooling window: kernel, stride and dilation per axis (height, width) and padding on each
/// side. Padding and dilation are free as long as every window holds at least one input element
/// (`problem(inputShape:)`), so a max always has a winner and an average a defined value.
public struct PoolWindow: Equatable, Sendable {
    public var kernelHeight, kernelWidth: Int
    public var strideHeight, strideWidth: Int
    public var padTop, padLeft, padBottom, padRight: Int
    public var dilationHeight, dilationWidth: Int

    public init(kernel: [Int], strides: [Int], pads: [Int] = [0, 0, 0, 0], dilations: [Int] = [1, 1]) {
        precondition(kernel.count == 2 && strides.count == 2 && pads.count == 4 && dilations.count == 2,
                     "a 2-D pooling window needs 2 kernel sides, 2 strides, 4 pads and 2 dilations")
        (kernelHeight, kernelWidth) = (kernel[0], kernel[1])
        (strideHeight, strideWidth) = (strides[0], strides[1])
        (padTop, padLeft, padBottom, padRight) = (pads[0], pads[1], pads[2], pads[3])
        (dilationHeight, dilationWidth) = (dilations[0], dilations[1])
    }

    /// PyTorch's square window: `kernel` x `kernel`, equal strides and padding on every side.
    public static func square(kernel: Int, stride: Int? = nil, padding: Int = 0) -> PoolWindow {
        PoolWindow(kernel: [kernel, kernel], strides: [stride ?? kernel, stride ?? kernel],
                   pads: [padding, padding, padding, padding])
    }

    /// Outputs along an axis of `size` input elements.
    static func outputs(_ size: Int, kernel: Int, stride: Int, before: Int, after: Int, dilation: Int) -> Int {
        (size + before + after - dilation * (kernel - 1) - 1) / stride + 1
    }

    /// Why this window cannot pool an N x C x H x W input of `shape`, or nil if it can: a
    /// non-positive kernel, stride or dilation, negative padding, a window larger than the padded
    /// input, or a window that lies wholly in the padding (or between dilated taps).
    public func problem(inputShape shape: [Int]) -> String? {
        guard shape.count == 4 else { return "pooling needs an NCHW tensor, got shape \(shape)" }
        let axes = [(shape[2], kernelHeight, strideHeight, padTop, padBottom, dilationHeight, "height"),
                    (shape[3], kernelWidth, strideWidth, padLeft, padRight, dilationWidth, "width")]
        for (size, kernel, stride, before, after, dilation, name) in axes {
            guard kernel >= 1, stride >= 1, dilation >= 1, before >= 0, after >= 0 else {
                return "bad pooling window along the \(name): kernel \(kernel), stride \(stride), pads \(before) and \(after), dilation \(dilation)"
            }
            guard size + before + after >= dilation * (kernel - 1) + 1 else {
                return "the pooling window (\(kernel), dilation \(dilation)) is larger than the padded \(name) \(size + before + after)"
            }
            let count = Self.outputs(size, kernel: kernel, stride: stride, before: before, after: after, dilation: dilation)
            for o in 0..<count where !(0..<kernel).contains(where: { (0..<size).contains(o * stride - before + $0 * dilation) }) {
                return "pooling window \(o) along the \(name) holds no input element (pads \(before) and \(after), kernel \(kernel), dilation \(dilation))"
            }
        }
        return nil
    }
}

/// Window geometry shared by the pooling kernels.
public struct PoolGeometry: Equatable, Sendable {
    public var planes, h, w: Int
    public var window: PoolWindow
    public var ho: Int {
        PoolWindow.outputs(h, kernel: window.kernelHeight, stride: window.strideHeight, before: window.padTop,
                           after: window.padBottom, dilation: window.dilationHeight)
    }
    public var wo: Int {
        PoolWindow.outputs(w, kernel: window.kernelWidth, stride: window.strideWidth, before: window.padLeft,
                           after: window.padRight, dilation: window.dilationWidth)
    }

    /// A square window with PyTorch's limits (padding at most half the kernel).
    public init(shape: [Int], kernel: Int, stride: Int, padding: Int) {
        precondition(kernel >= 1 && stride >= 1 && padding >= 0 && padding * 2 <= kernel,
                     "bad pooling window kernel \(kernel) stride \(stride) padding \(padding)")
        self.init(shape: shape, window: .square(kernel: kernel, stride: stride, padding: padding))
    }

    public init(shape: [Int], window: PoolWindow) {
        if let problem = window.problem(inputShape: shape) { preconditionFailure(problem) }
        planes = shape[0] * shape[1]
        (h, w) = (shape[2], shape[3])
        self.window = window
    }

    /// The plain 2 x 2, stride-2 window without padding (the fast path).
    var isPlainTwoByTwo: Bool { window == .square(kernel: 2, stride: 2, padding: 0) }

    /// Per output row (`vertical`) or column: the first input index its window reads and how
    /// many taps (`dilation` apart) lie inside the input. The taps inside form one run, so the
    /// kernels loop over them without bounds checks.
    func taps(vertical: Bool) -> [(first: Int, count: Int)] {
        let size = vertical ? h : w
        let (outputs, kernel) = vertical ? (ho, window.kernelHeight) : (wo, window.kernelWidth)
        let (stride, pad, dilation) = vertical ? (window.strideHeight, window.padTop, window.dilationHeight)
                                               : (window.strideWidth, window.padLeft, window.dilationWidth)
        return (0..<outputs).map { o in
            let start = o * stride - pad
            let skipped = start < 0 ? (-start + dilation - 1) / dilation : 0
            let last = min(kernel - 1, (size - 1 - start) / dilation)
            return (start + skipped * dilation, max(0, last - skipped + 1))
        }
    }
}
