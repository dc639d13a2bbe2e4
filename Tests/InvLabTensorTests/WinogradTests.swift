import InvLabTensor
import Testing

@Suite("Winograd F(2x2, 3x3) convolutions")
struct WinogradTests {
    /// The largest difference relative to the largest magnitude of `reference`.
    func relativeError(_ value: Tensor, _ reference: Tensor) -> Float {
        let scale = max(reference.scalars.map(abs).max() ?? 1, 1e-6)
        return zip(value.scalars, reference.scalars).map { abs($0 - $1) }.max()! / scale
    }

    @Test("values and input gradients equal im2col's, at odd and even sizes, every padding, and batches split into blocks", arguments: [
        // (input NCHW, outputs, padding)
        ([2, 3, 5, 5], 4, 1), ([3, 2, 7, 6], 3, 1), ([1, 4, 4, 3], 5, 0), ([2, 2, 3, 3], 2, 2),
        ([1, 1, 1, 1], 2, 1), ([5, 3, 2, 9], 2, 1), ([130, 2, 4, 3], 3, 1), ([2, 3, 8, 4], 2, 3),
    ])
    func matchesUnfolding(input: [Int], outputs: Int, padding: Int) {
        let x = randomTensor(input, seed: 51), w = randomTensor([outputs, input[1], 3, 3], seed: 52)
        let b = randomTensor([outputs], seed: 53)
        let reference = Tensor.conv2d(x, weight: w, bias: b, stride: 1, padding: padding)
        let value = Tensor.conv2dWinograd(x, WinogradWeights(w), bias: b, padding: padding)
        #expect(value.shape == reference.shape)
        #expect(relativeError(value, reference) < 1e-6)
        let dy = randomTensor(reference.shape, seed: 54)
        let gradient = Tensor.conv2dBackwardInput(dy, weight: w, inputShape: x.shape, stride: 1, padding: padding)
        let winograd = Tensor.conv2dBackwardInputWinograd(dy, WinogradWeights(inputGradientOf: w), padding: padding)
        #expect(winograd.shape == x.shape)
        #expect(relativeError(winograd, gradient) < 1e-6)
    }

    @Test("conv2d against a direct loop, including the last odd row and column of tiles")
    func directLoop() {
        let x = randomTensor([1, 2, 5, 4], seed: 55), w = randomTensor([2, 2, 3, 3], seed: 56)
        let y = Tensor.conv2dWinograd(x, WinogradWeights(w), bias: nil, padding: 1)
        #expect(y.shape == [1, 2, 5, 4])
        for o in 0..<2 { for oy in 0..<5 { for ox in 0..<4 {
            var total: Float = 0
            for c in 0..<2 { for ky in 0..<3 { for kx in 0..<3 {
                let (iy, ix) = (oy - 1 + ky, ox - 1 + kx)
                if iy >= 0 && iy < 5 && ix >= 0 && ix < 4 { total += x[0, c, iy, ix] * w[o, c, ky, kx] }
            } } }
            #expect(abs(y[0, o, oy, ox] - total) < 1e-5, "output \(o), \(oy), \(ox)")
        } } }
    }

    @Test("gradients to input, weight and bias against finite differences")
    func gradients() {
        let x = randomTensor([2, 2, 5, 4], seed: 57), w = randomTensor([3, 2, 3, 3], seed: 58), b = randomTensor([3], seed: 59)
        GradientCheck().check([x, w, b]) { Var.conv2dWinograd($0[0], weight: $0[1], bias: $0[2], padding: 1) }
        GradientCheck().check([x, w, b]) { Var.conv2dWinograd($0[0], weight: $0[1], bias: $0[2], padding: 0) }
    }
}

@Suite("Depthwise convolutions by direct loops")
struct DepthwiseConvolutionTests {
    @Test("values and gradients equal a convolution per channel, with channel multipliers, strides and padding", arguments: [
        // (input NCHW, multiplier, kernel, stride, padding)
        ([2, 3, 6, 5], 1, 3, 1, 1), ([2, 2, 7, 6], 2, 3, 2, 1), ([1, 3, 5, 5], 1, 5, 1, 2), ([3, 2, 4, 7], 3, 2, 2, 0),
    ])
    func matchesGroupedConvolution(input: [Int], multiplier: Int, kernel: Int, stride: Int, padding: Int) {
        let channels = input[1]
        let x = randomTensor(input, seed: 61), w = randomTensor([channels * multiplier, 1, kernel, kernel], seed: 62)
        let b = randomTensor([channels * multiplier], seed: 63)
        let perChannel: ([Var]) -> Var = { v in
            Var.concatenate((0..<channels).map { c in
                Var.conv2d(v[0].slice(alongAxis: 1, c..<(c + 1)), weight: v[1].slice(alongAxis: 0, (c * multiplier)..<((c + 1) * multiplier)),
                           bias: v[2].slice(alongAxis: 0, (c * multiplier)..<((c + 1) * multiplier)), stride: stride, padding: padding)
            }, alongAxis: 1)
        }
        let direct: ([Var]) -> Var = { v in Var.depthwiseConv2d(v[0], weight: v[1], bias: v[2], stride: stride, padding: padding) }
        let reference = perChannel([x, w, b].map { Var(constant: $0) }).value
        let value = direct([x, w, b].map { Var(constant: $0) }).value
        #expect(value.shape == reference.shape)
        for (a, r) in zip(value.scalars, reference.scalars) { #expect(abs(a - r) < 1e-5) }
        let seed = randomTensor(reference.shape, seed: 64)
        let (tape1, tape2) = (Tape(), Tape())
        let (v1, v2) = ([x, w, b].map { tape1.variable($0) }, [x, w, b].map { tape2.variable($0) })
        let expected = tape1.gradients(of: perChannel(v1), seed: seed, withRespectTo: v1)
        let gradients = tape2.gradients(of: direct(v2), seed: seed, withRespectTo: v2)
        for (which, (a, r)) in zip(["input", "weight", "bias"], zip(gradients, expected)) {
            #expect(a.shape == r.shape)
            for (u, v) in zip(a.scalars, r.scalars) { #expect(abs(u - v) < 1e-4, "\(which)") }
        }
        GradientCheck(epsilon: 1e-3).check([x, w, b]) { direct($0) }
    }
}
