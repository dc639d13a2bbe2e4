import InvLabNN
import InvLabSpec
import InvLabTensor

/// What an ONNX classifier expects as input, and how the engine's images (`N x C x H x W` in
/// [0, 1]) are turned into it: resized, grey replicated to three channels if needed, mapped to
/// `range`, normalised per channel, laid out. Every step is differentiable, so attacks get
/// gradients with respect to the engine's images.
public struct ONNXInputConfig: SpecConfig, Sendable {
    public enum Layout: String, SpecEnum, Sendable { case NCHW, NHWC }

    public var layout = Layout.NCHW
    public var size: [Int] = []
    public var channels = 1
    public var range: [Double] = [0, 1]
    public var mean: [Double] = [0]
    public var std: [Double] = [1]

    public init() {}

    public static var fields: [SpecField<Self>] { [
        SpecField("layout", \.layout, doc: "Axis order of the model's input tensor."),
        SpecField("size", \.size, doc: "The model's input [height, width]; images of another size are resized bilinearly. Empty: the data's size.",
                  check: { $0.isEmpty || ($0.count == 2 && $0.allSatisfy { $0 >= 1 && $0 <= 4096 }) ? nil : "expected [height, width] in 1...4096, got \($0)" }),
        SpecField("channels", \.channels, doc: "Channels the model reads: 1 (grey) or 3 (grey images are replicated to RGB).",
                  check: { $0 == 1 || $0 == 3 ? nil : "expected 1 or 3, got \($0)" }),
        SpecField("range", \.range, doc: "The pixel range the model was trained on, [low, high]; images in [0, 1] are mapped onto it.",
                  check: { $0.count == 2 && $0[0] < $0[1] ? nil : "expected [low, high] with low < high, got \($0)" }),
        SpecField("mean", \.mean, doc: "Per-channel mean subtracted after the range mapping (one value, or one per channel)."),
        SpecField("std", \.std, doc: "Per-channel standard deviation divided by after subtracting the mean (one value, or one per channel).",
                  check: { $0.allSatisfy { $0 > 0 } ? nil : "expected positive standard deviations, got \($0)" }),
    ] }

    public func validate(at path: SpecPath, node: Node, context: inout DecodingContext) {
        for (key, values) in [("mean", mean), ("std", std)] where values.count != 1 && values.count != channels {
            context.error("expected one value or \(channels) (one per channel), got \(values.count)", at: node[key] ?? node,
                          path: path.appending(key))
        }
    }

    /// The engine's images as the model's input.
    func apply(_ images: Var) -> Var {
        var x = images
        if size.count == 2, x.shape[2] != size[0] || x.shape[3] != size[1] {
            x = x.resizedBilinear(height: size[0], width: size[1])
        }
        if x.shape[1] == 1 && channels == 3 { x = Var.concatenate([x, x, x], alongAxis: 1) }
        let (low, high) = (Float(range[0]), Float(range[1]))
        if low != 0 || high != 1 { x = x * (high - low) + low }
        func perChannel(_ values: [Double]) -> Tensor {
            Tensor(shape: [1, values.count, 1, 1], scalars: values.map { Float($0) })
        }
        if mean.contains(where: { $0 != 0 }) { x = x - perChannel(mean) }
        if std.contains(where: { $0 != 1 }) { x = x / perChannel(std) }
        return layout == .NHWC ? x.permuted([0, 2, 3, 1]) : x
    }
}
