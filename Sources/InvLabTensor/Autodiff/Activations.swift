import Foundation

// Differentiable activation functions.

extension Var {
    /// max(x, 0); gradient 0 at x <= 0 (PyTorch's convention).
    public func relu() -> Var {
        let y = Tensor.relu(value)
        return Var.record(y, inputs: [self]) { g in [Tensor.reluBackward(g, output: y)] }
    }

    /// x for x > 0, slope * x otherwise.
    public func leakyRelu(slope: Float = 0.2) -> Var {
        let v = value
        return Var.record(v.map { $0 > 0 ? $0 : slope * $0 }, inputs: [self]) { g in
            [g.zipMap(v) { $1 > 0 ? $0 : slope * $0 }]
        }
    }

    public func tanh() -> Var {
        let y = value.map { Foundation.tanh($0) }
        return Var.record(y, inputs: [self]) { g in [g.zipMap(y) { $0 * (1 - $1 * $1) }] }
    }

    public func sigmoid() -> Var {
        let y = value.map { stableSigmoid($0) }
        return Var.record(y, inputs: [self]) { g in [g.zipMap(y) { $0 * $1 * (1 - $1) }] }
    }

    /// The error function; gradient 2/sqrt(pi) e^(-x^2) (GELU in ONNX graphs is built from it).
    public func erf() -> Var {
        let v = value
        return Var.record(v.map { Foundation.erf($0) }, inputs: [self]) { g in
            [g.zipMap(v) { $0 * 1.1283791670955126 * Foundation.exp(-$1 * $1) }]
        }
    }

    /// log(1 + e^x), computed without overflow; gradient sigmoid(x).
    public func softplus() -> Var {
        let v = value
        return Var.record(v.map { stableSoftplus($0) }, inputs: [self]) { g in
            [g.zipMap(v) { $0 * stableSigmoid($1) }]
        }
    }

    /// Softmax over the last axis (stable: the row maximum is subtracted first).
    public func softmax() -> Var {
        let y = Tensor.softmaxLastAxis(value)
        return Var.record(y, inputs: [self]) { g in [Tensor.softmaxBackward(g, y)] }
    }

    /// log-softmax over the last axis; stays finite for saturated logits.
    public func logSoftmax() -> Var {
        let y = Tensor.logSoftmaxLastAxis(value)
        return Var.record(y, inputs: [self]) { g in
            // d/dx = g - softmax * sum(g)
            let n = y.shape.last ?? 1
            return [Tensor(shape: y.shape, unsafeUninitialized: { out in
                g.withUnsafeBufferPointer { pg in
                    y.withUnsafeBufferPointer { py in
                        for row in 0..<(y.count / Swift.max(n, 1)) {
                            var total: Float = 0
                            for k in 0..<n { total += pg[row * n + k] }
                            for k in 0..<n { out[row * n + k] = pg[row * n + k] - Foundation.exp(py[row * n + k]) * total }
                        }
                    }
                }
            })]
        }
    }
}

@inline(__always)
func stableSigmoid(_ x: Float) -> Float {
    x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
}

@inline(__always)
func stableSoftplus(_ x: Float) -> Float {
    x > 0 ? x + log1p(exp(-x)) : log1p(exp(x))
}

extension Tensor {
    /// Softmax over the last axis.
    public static func softmaxLastAxis(_ x: Tensor) -> Tensor {
        mappingRows(x) { input, output in
            let peak = input.max() ?? 0
            var total: Float = 0
            for k in input.indices { let e = Foundation.exp(input[k] - peak); output[k] = e; total += e }
            let inverse = 1 / total
            for k in output.indices { output[k] *= inverse }
        }
    }

    /// log-softmax over the last axis.
    public static func logSoftmaxLastAxis(_ x: Tensor) -> Tensor {
        mappingRows(x) { input, output in
            let peak = input.max() ?? 0
            var total: Float = 0
            for k in input.indices { total += Foundation.exp(input[k] - peak) }
            let logTotal = peak + Foundation.log(total)
            for k in input.indices { output[k] = input[k] - logTotal }
        }
    }

    /// A tensor of `x`'s shape whose every row (last axis) `body` writes from the same row of
    /// `x`; both slices have the same indices.
    static func mappingRows(_ x: Tensor,
                            _ body: (Slice<UnsafeBufferPointer<Float>>, inout Slice<UnsafeMutableBufferPointer<Float>>) -> Void) -> Tensor {
        let n = Swift.max(x.shape.last ?? 1, 1)
        return Tensor(shape: x.shape, unsafeUninitialized: { out in
            x.withUnsafeBufferPointer { p in
                for row in 0..<(x.count / n) {
                    var output = out[(row * n)..<(row * n + n)]
                    body(p[(row * n)..<(row * n + n)], &output)
                }
            }
        })
    }

    /// Gradient of softmax: y * (g - sum(g * y)) per row.
    static func softmaxBackward(_ g: Tensor, _ y: Tensor) -> Tensor {
        let n = y.shape.last ?? 1
        return Tensor(shape: y.shape, unsafeUninitialized: { out in
            g.withUnsafeBufferPointer { pg in
                y.withUnsafeBufferPointer { py in
                    for row in 0..<(y.count / Swift.max(n, 1)) {
                        let base = row * n
                        var dot: Float = 0
                        for k in 0..<n { dot += pg[base + k] * py[base + k] }
                        for k in 0..<n { out[base + k] = py[base + k] * (pg[base + k] - dot) }
                    }
                }
            }
        })
    }
}

extension Tensor {
    /// max(x, 0) element by element, over the threads by plain loops (`map` would call a
    /// closure per element: a ResNet step applies ReLU to tens of megabytes).
    static func relu(_ x: Tensor) -> Tensor {
        Tensor(shape: x.shape, unsafeUninitialized: { out in
            x.withUnsafeBufferPointer { p in
                Parallel.forEachChunk(of: out.count, minimumChunk: elementwiseChunk) { range in
                    for i in range { out[i] = Swift.max(p[i], 0) }
                }
            }
        })
    }

    /// The gradient of `relu`: `gradient` where the output is positive, else 0.
    static func reluBackward(_ gradient: Tensor, output: Tensor) -> Tensor {
        precondition(gradient.shape == output.shape, "relu gradient has shape \(gradient.shape), the output \(output.shape)")
        return Tensor(shape: output.shape, unsafeUninitialized: { out in
            gradient.withUnsafeBufferPointer { g in
                output.withUnsafeBufferPointer { y in
                    Parallel.forEachChunk(of: out.count, minimumChunk: elementwiseChunk) { range in
                        // Eight lanes at a time by a select, which the scalar ternary did not become.
                        var i = range.lowerBound
                        while i + 8 <= range.upperBound {
                            let (gradients, outputs) = (UnsafeRawPointer(g.baseAddress! + i).loadUnaligned(as: SIMD8<Float>.self),
                                                        UnsafeRawPointer(y.baseAddress! + i).loadUnaligned(as: SIMD8<Float>.self))
                            let kept = SIMD8<Float>.zero.replacing(with: gradients, where: outputs .> 0)
                            UnsafeMutableRawPointer(out.baseAddress! + i).storeBytes(of: kept, as: SIMD8<Float>.self)
                            i += 8
                        }
                        for j in i..<range.upperBound { out[j] = y[j] > 0 ? g[j] : 0 }
                    }
                }
            }
        })
    }
}
