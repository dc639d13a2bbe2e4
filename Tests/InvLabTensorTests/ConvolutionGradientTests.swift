import InvLabTensor
import Testing

@Suite("Convolution, pooling, upsampling and normalisation gradients")
struct ConvolutionGradientTests {
    let check = GradientCheck()

    @Test("conv2d", arguments: [
        // (input NCHW, weight OCHW, stride, padding)
        ([2, 1, 5, 5], [3, 1, 3, 3], 1, 1),
        ([2, 3, 7, 6], [4, 3, 3, 3], 2, 1),
        ([1, 2, 6, 6], [2, 2, 4, 4], 2, 1),
        ([2, 3, 4, 5], [2, 3, 1, 1], 1, 0),
        ([1, 2, 5, 7], [3, 2, 2, 3], 3, 2),
    ])
    func conv2d(input: [Int], weight: [Int], stride: Int, padding: Int) {
        let x = randomTensor(input, seed: 21), w = randomTensor(weight, seed: 22), b = randomTensor([weight[0]], seed: 23)
        check.check([x, w, b]) { Var.conv2d($0[0], weight: $0[1], bias: $0[2], stride: stride, padding: padding) }
    }

    @Test("fused conv + ReLU + max pool equals the unfused ops, values and gradients", arguments: [
        ([2, 1, 6, 6], [3, 1, 3, 3], 1, 1), ([3, 2, 7, 5], [4, 2, 3, 3], 1, 1), ([2, 3, 4, 4], [2, 3, 1, 1], 1, 0),
    ])
    func fusedBlock(input: [Int], weight: [Int], stride: Int, padding: Int) {
        let x = randomTensor(input, seed: 41), w = randomTensor(weight, seed: 42), b = randomTensor([weight[0]], seed: 43)
        let unfused: ([Var]) -> Var = { v in
            Var.conv2d(v[0], weight: v[1], bias: v[2], stride: stride, padding: padding).relu().maxPool2d(kernel: 2)
        }
        let fused: ([Var]) -> Var = { v in Var.convReLUMaxPool(v[0], weight: v[1], bias: v[2], stride: stride, padding: padding) }
        let reference = unfused([x, w, b].map { Var(constant: $0) }).value
        let value = fused([x, w, b].map { Var(constant: $0) }).value
        #expect(value.shape == reference.shape)
        for (a, r) in zip(value.scalars, reference.scalars) { #expect(abs(a - r) < 1e-5) }
        let seed = randomTensor(reference.shape, seed: 44)
        let tape1 = Tape(), tape2 = Tape()
        let v1 = [x, w, b].map { tape1.variable($0) }, v2 = [x, w, b].map { tape2.variable($0) }
        let g1 = tape1.gradients(of: unfused(v1), seed: seed, withRespectTo: v1)
        let g2 = tape2.gradients(of: fused(v2), seed: seed, withRespectTo: v2)
        for (a, r) in zip(g2, g1) {
            for (u, v) in zip(a.scalars, r.scalars) { #expect(abs(u - v) < 1e-4) }
        }
        GradientCheck(epsilon: 1e-3).check([x, w, b]) { fused($0) }
    }

    @Test("Images with few output positions, grouped into one product, give what each image alone gives (several groups per chunk)")
    func groupedProducts() {
        // 3 x 3 = 9 positions: groups of 57 images, so 130 images make several groups per thread's chunk.
        let x = randomTensor([130, 2, 5, 5], seed: 27), w = randomTensor([3, 2, 3, 3], seed: 28), b = randomTensor([3], seed: 29)
        let dy = randomTensor([130, 3, 3, 3], seed: 30)
        let batch = Tensor.conv2d(x, weight: w, bias: b, stride: 2, padding: 1)
        let back = Tensor.conv2dBackwardInput(dy, weight: w, inputShape: x.shape, stride: 2, padding: 1)
        for image in [0, 56, 57, 64, 65, 113, 114, 129] {
            let one = x.slice(alongAxis: 0, image..<(image + 1))
            let alone = Tensor.conv2d(one, weight: w, bias: b, stride: 2, padding: 1)
            #expect(batch.slice(alongAxis: 0, image..<(image + 1)) == alone, "image \(image)")
            let gradient = Tensor.conv2dBackwardInput(dy.slice(alongAxis: 0, image..<(image + 1)), weight: w, inputShape: one.shape,
                                                      stride: 2, padding: 1)
            #expect(back.slice(alongAxis: 0, image..<(image + 1)) == gradient, "image \(image)")
        }
    }

    @Test("conv2d against a direct loop")
    func conv2dValues() {
        let x = randomTensor([2, 2, 5, 4], seed: 24), w = randomTensor([3, 2, 3, 3], seed: 25), b = randomTensor([3], seed: 26)
        let y = Tensor.conv2d(x, weight: w, bias: b, stride: 2, padding: 1)
        #expect(y.shape == [2, 3, 3, 2])
        for n in 0..<2 { for o in 0..<3 { for oy in 0..<3 { for ox in 0..<2 {
            var total = b[o]
            for c in 0..<2 { for ky in 0..<3 { for kx in 0..<3 {
                let iy = oy * 2 - 1 + ky, ix = ox * 2 - 1 + kx
                if iy >= 0 && iy < 5 && ix >= 0 && ix < 4 { total += x[n, c, iy, ix] * w[o, c, ky, kx] }
            } } }
            #expect(abs(y[n, o, oy, ox] - total) < 1e-4)
        } } } }
    }

    @Test("transposed convolution", arguments: [
        ([2, 3, 4, 4], [3, 2, 4, 4], 2, 1, 0), ([1, 2, 3, 3], [2, 1, 3, 3], 1, 0, 0), ([1, 2, 3, 3], [2, 2, 3, 3], 2, 1, 1),
    ])
    func convTranspose(input: [Int], weight: [Int], stride: Int, padding: Int, outputPadding: Int) {
        let x = randomTensor(input, seed: 27), w = randomTensor(weight, seed: 28), b = randomTensor([weight[1]], seed: 29)
        check.check([x, w, b]) {
            Var.convTranspose2d($0[0], weight: $0[1], bias: $0[2], stride: stride, padding: padding, outputPadding: outputPadding)
        }
        let y = Var.convTranspose2d(Var(constant: x), weight: Var(constant: w), bias: nil, stride: stride,
                                    padding: padding, outputPadding: outputPadding)
        #expect(y.shape[2] == (input[2] - 1) * stride - 2 * padding + weight[2] + outputPadding)
    }

    @Test func pooling() {
        // Distinct values so that the max is unique and finite differences are valid.
        var x = Tensor(shape: [2, 2, 6, 6], scalars: (0..<144).map { Float(($0 * 37) % 144) / 50 })
        x = x - 1
        check.check([x]) { $0[0].maxPool2d(kernel: 2) }
        check.check([x]) { $0[0].maxPool2d(kernel: 3, stride: 2, padding: 1) }
        check.check([x]) { $0[0].avgPool2d(kernel: 2) }
        check.check([x]) { $0[0].avgPool2d(kernel: 3, stride: 2, padding: 1) }
        check.check([x]) { $0[0].globalAveragePool() }
        let pooled = Tensor.maxPool2d(x, kernel: 2).output
        #expect(pooled.shape == [2, 2, 3, 3])
        #expect(pooled[0, 0, 0, 0] == max(x[0, 0, 0, 0], x[0, 0, 0, 1], x[0, 0, 1, 0], x[0, 0, 1, 1]))
    }

    @Test func upsampling() {
        let x = randomTensor([1, 2, 3, 4], seed: 30)
        check.check([x]) { $0[0].upsampleNearest(scale: 2) }
        check.check([x]) { $0[0].upsampleBilinear(scale: 2) }
        check.check([x]) { $0[0].resizedBilinear(height: 5, width: 3) }
        check.check([x]) { $0[0].resizedBilinear(height: 2, width: 7) }
        let up = Tensor.upsampleBilinear(Tensor(shape: [1, 1, 1, 2], scalars: [0, 1]), scale: 2)
        // PyTorch (align_corners=False): [0, 0.25, 0.75, 1].
        #expect(up.scalars[0..<4].map { $0 } == [0, 0.25, 0.75, 1])
    }

    @Test("batch norm in training and evaluation modes", arguments: [[4, 3], [3, 2, 3, 3]])
    func batchNorm(shape: [Int]) {
        let c = shape[1]
        let x = randomTensor(shape, seed: 31, low: -2, high: 3)
        let gamma = randomTensor([c], seed: 32, low: 0.5, high: 1.5), beta = randomTensor([c], seed: 33)
        let rm = randomTensor([c], seed: 34), rv = randomTensor([c], seed: 35, low: 0.5, high: 2)
        for training in [true, false] {
            check.check([x, gamma, beta]) {
                Var.batchNorm($0[0], gamma: $0[1], beta: $0[2], runningMean: rm, runningVariance: rv, training: training).output
            }
        }
        let result = Var.batchNorm(Var(constant: x), gamma: Var(constant: Tensor(repeating: 1, shape: [c])),
                                   beta: Var(constant: Tensor(zeros: [c])), runningMean: Tensor(zeros: [c]),
                                   runningVariance: Tensor(repeating: 1, shape: [c]), training: true)
        // Normalised per channel: mean 0.
        let channelMeans = result.output.value.sum(alongAxes: shape.count == 4 ? [0, 2, 3] : [0])
        for ch in 0..<c { #expect(abs(channelMeans.scalars[ch]) < 1e-3) }
        // Running mean moved by momentum 0.1 toward the batch mean.
        let batchMean = x.sum(alongAxes: shape.count == 4 ? [0, 2, 3] : [0]).scalars.map { $0 / Float(x.count / c) }
        for ch in 0..<c { #expect(abs(result.runningMean.scalars[ch] - 0.1 * batchMean[ch]) < 1e-4) }
    }
}
