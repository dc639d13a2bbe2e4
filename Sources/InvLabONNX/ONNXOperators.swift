/// One ONNX operator the engine runs: its name, what of it is supported (the README's operator
/// table is generated from `notes`), and how it maps onto differentiable engine operations.
public struct ONNXOperator: Sendable {
    public let name: String
    /// Supported attributes and limits, in one line.
    public let notes: String
    let run: @Sendable (NodeContext) throws -> [RuntimeValue]
    /// The first default-domain opset that has the operator (a model that declares an earlier
    /// one is not valid ONNX and is refused).
    var introduced: Int64 = 1
}

/// The supported operators, in one table: loading refuses any other, execution dispatches here.
public enum ONNXOperators {
    public static let all: [ONNXOperator] = [
        ONNXOperator(name: "Abs", notes: "gradient sign(x), 0 at 0", run: ActivationOps.abs),
        ONNXOperator(name: "Add", notes: "NumPy broadcasting", run: ElementwiseOps.add),
        ONNXOperator(name: "AveragePool", notes: "2-D, kernel sides, strides and dilations up to 1024 each, pads (also asymmetric), auto_pad, count_include_pad 0 or 1, ceil_mode",
                     run: PoolingOps.averagePool),
        ONNXOperator(name: "BatchNormalization", notes: "N x C or N x C x ... input; stored statistics (training_mode 0), or batch statistics and momentum when fine-tuning (the onnx recognizer's fine_tune_batch_norm: update)", run: PoolingOps.batchNormalization),
        ONNXOperator(name: "Cast", notes: "to FLOAT or DOUBLE (computed in float32), INT32 or INT64", run: CastExpandOps.cast),
        ONNXOperator(name: "CastLike", notes: "to a float or an integer tensor's type", run: CastExpandOps.castLike, introduced: 15),
        ONNXOperator(name: "Clip", notes: "constant scalar min and max (optional)", run: ElementwiseOps.clip),
        ONNXOperator(name: "Concat", notes: "any axis", run: ShapeOps.concat),
        ONNXOperator(name: "Constant", notes: "value, value_float(s), value_int(s)", run: ShapeOps.constant),
        ONNXOperator(name: "Conv", notes: "2-D, groups, dilations, strides, pads (also asymmetric, up to 1024), auto_pad",
                     run: ConvolutionOps.conv),
        ONNXOperator(name: "Div", notes: "NumPy broadcasting", run: ElementwiseOps.div),
        ONNXOperator(name: "Dropout", notes: "identity (inference); no mask output", run: ElementwiseOps.dropout),
        ONNXOperator(name: "Elu", notes: "alpha", run: ActivationOps.elu),
        ONNXOperator(name: "Erf", notes: "(GELU)", run: ActivationOps.erf),
        ONNXOperator(name: "Exp", notes: "", run: ActivationOps.exp),
        ONNXOperator(name: "Expand", notes: "float or integer tensors; constant shape, NumPy broadcasting", run: CastExpandOps.expand),
        ONNXOperator(name: "Flatten", notes: "any axis", run: ShapeOps.flatten),
        ONNXOperator(name: "Gemm", notes: "alpha, beta, transA, transB, optional C with broadcasting", run: LinearOps.gemm),
        ONNXOperator(name: "Gather", notes: "float data, any axis, constant integer indices of any shape (negative count from the end), gradient to the data; integer data: vectors (shape arithmetic)", run: IntegerOps.gather),
        ONNXOperator(name: "GlobalAveragePool", notes: "N x C x H x W input", run: PoolingOps.globalAveragePool),
        ONNXOperator(name: "GlobalMaxPool", notes: "N x C x H x W input", run: ActivationOps.globalMaxPool),
        ONNXOperator(name: "HardSigmoid", notes: "alpha, beta", run: ActivationOps.hardSigmoid),
        ONNXOperator(name: "HardSwish", notes: "(MobileNetV3)", run: ActivationOps.hardSwish, introduced: 14),
        ONNXOperator(name: "Identity", notes: "", run: ElementwiseOps.identity),
        ONNXOperator(name: "LayerNormalization", notes: "axis, epsilon, Scale and optional B broadcast to the normalised axes; no Mean or InvStdDev outputs", run: ActivationOps.layerNormalization, introduced: 17),
        ONNXOperator(name: "LeakyRelu", notes: "alpha", run: ElementwiseOps.leakyRelu),
        ONNXOperator(name: "Log", notes: "", run: ActivationOps.log),
        ONNXOperator(name: "LogSoftmax", notes: "any axis", run: ElementwiseOps.logSoftmax),
        ONNXOperator(name: "MatMul", notes: "NumPy semantics: operands of any rank, batch axes broadcast, 1-D operands promoted; gradients to both operands", run: LinearOps.matMul),
        ONNXOperator(name: "Max", notes: "one or more inputs, NumPy broadcasting; gradient to the larger (the earlier on a tie)", run: ActivationOps.max),
        ONNXOperator(name: "MaxPool", notes: "2-D, kernel sides, strides and dilations up to 1024 each, pads (also asymmetric), auto_pad, ceil_mode; no indices output",
                     run: PoolingOps.maxPool),
        ONNXOperator(name: "Min", notes: "one or more inputs, NumPy broadcasting; gradient to the smaller (the earlier on a tie)", run: ActivationOps.min),
        ONNXOperator(name: "Mul", notes: "NumPy broadcasting", run: ElementwiseOps.mul),
        ONNXOperator(name: "Neg", notes: "", run: ActivationOps.neg),
        ONNXOperator(name: "Pad", notes: "constant mode, pads up to 1024 per side, negative pads crop, optional axes (opset 18+)", run: ShapeOps.pad),
        ONNXOperator(name: "Pow", notes: "an exponent with one value (no gradient to the exponent)", run: ElementwiseOps.pow),
        ONNXOperator(name: "PRelu", notes: "slope broadcast to the input", run: ElementwiseOps.prelu),
        ONNXOperator(name: "ReduceMean", notes: "axes as attribute (opset < 18) or constant input (18+), keepdims, noop_with_empty_axes",
                     run: ReduceOps.reduceMean),
        ONNXOperator(name: "ReduceL2", notes: "axes as attribute (opset < 18) or constant input (18+), keepdims; gradient 0 at a zero norm",
                     run: ReduceOps.reduceL2),
        ONNXOperator(name: "ReduceSum", notes: "axes as constant input, keepdims, noop_with_empty_axes", run: ReduceOps.reduceSum),
        ONNXOperator(name: "Relu", notes: "", run: ElementwiseOps.relu),
        ONNXOperator(name: "Reshape", notes: "float or integer tensors; constant shape with 0 and -1; allowzero 1 when the shape has no 0", run: ShapeOps.reshape),
        ONNXOperator(name: "Shape", notes: "start and end", run: IntegerOps.shape),
        ONNXOperator(name: "Sigmoid", notes: "", run: ElementwiseOps.sigmoid),
        ONNXOperator(name: "Slice", notes: "float tensors of any rank, integer vectors; constant starts, ends, axes, positive steps; not empty", run: SliceOps.slice),
        ONNXOperator(name: "Softmax", notes: "any axis", run: ElementwiseOps.softmax),
        ONNXOperator(name: "Softplus", notes: "", run: ActivationOps.softplus),
        ONNXOperator(name: "Split", notes: "float tensors, any axis; sizes from split (attribute before opset 13, constant input from 13) or equal parts (num_outputs from opset 18)", run: SliceOps.split),
        ONNXOperator(name: "Sqrt", notes: "", run: ElementwiseOps.sqrt),
        ONNXOperator(name: "Squeeze", notes: "float or integer tensors; axes input or all unit axes", run: IntegerOps.squeeze),
        ONNXOperator(name: "Sub", notes: "NumPy broadcasting", run: ElementwiseOps.sub),
        ONNXOperator(name: "Tanh", notes: "", run: ElementwiseOps.tanh),
        ONNXOperator(name: "Transpose", notes: "perm (default: reversed axes)", run: ShapeOps.transpose),
        ONNXOperator(name: "Unsqueeze", notes: "float or integer tensors; axes input", run: IntegerOps.unsqueeze),
    ]

    /// The operators by name.
    static let byName: [String: ONNXOperator] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The supported names, sorted, comma-separated (as error messages list them).
    public static var supportedList: String { all.map(\.name).sorted().joined(separator: ", ") }
}

extension ONNXOperators {
    /// The operator table of the README (between `<!-- onnx-operators:begin -->` and
    /// `<!-- onnx-operators:end -->`), generated from `all`; a test keeps the two equal.
    public static var markdownTable: String {
        let rows = all.sorted { $0.name < $1.name }.map { "| \($0.name) | \($0.notes.isEmpty ? "yes" : $0.notes) |" }
        return (["| operator | supported |", "|---|---|"] + rows).joined(separator: "\n")
    }
}
