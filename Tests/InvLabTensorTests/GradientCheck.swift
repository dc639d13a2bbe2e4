import InvLabTensor
import Testing

/// Finite-difference gradient checking for differentiable functions of several tensors.
///
/// The function's output is reduced to a scalar with fixed random weights (so every output
/// element gets a different seed gradient), then the analytic gradient is compared with central
/// differences along random directions and on individual elements.
struct GradientCheck {
    var epsilon: Float = 1e-2
    var tolerance: Float = 2e-2
    var elementsPerInput = 6
    var seed: UInt64 = 7

    /// Returns the worst relative error found (and records a test failure above tolerance).
    @discardableResult
    func check(_ inputs: [Tensor], sourceLocation: SourceLocation = #_sourceLocation,
               _ f: ([Var]) -> Var) -> Float {
        var generator = SeededGenerator(seed: seed)
        let probe = f(inputs.map { Var(constant: $0) }).value
        let weights = Tensor.uniform(probe.shape, low: 0.5, high: 1.5, generator: &generator)
        func objective(_ xs: [Tensor]) -> Float {
            (f(xs.map { Var(constant: $0) }).value * weights).sum()
        }
        let tape = Tape()
        let variables = inputs.map { tape.variable($0) }
        let output = f(variables)
        let grads = tape.gradients(of: output, seed: weights, withRespectTo: variables)
        var worst: Float = 0
        func compare(_ analytic: Float, _ numeric: Float, _ what: String) {
            let error = abs(analytic - numeric) / max(1, abs(analytic), abs(numeric))
            worst = max(worst, error)
            #expect(error <= tolerance, "\(what): analytic \(analytic) vs numeric \(numeric)", sourceLocation: sourceLocation)
        }
        for (i, input) in inputs.enumerated() {
            #expect(grads[i].shape == input.shape, sourceLocation: sourceLocation)
            // Directional derivative along a random direction.
            let direction = Tensor.normal(input.shape, generator: &generator)
            var plus = inputs, minus = inputs
            plus[i] = input + direction * epsilon
            minus[i] = input - direction * epsilon
            let numeric = (objective(plus) - objective(minus)) / (2 * epsilon)
            compare((grads[i] * direction).sum(), numeric, "input \(i) directional")
            // A few single elements.
            for _ in 0..<min(elementsPerInput, input.count) {
                let k = generator.nextInt(below: input.count)
                var up = inputs, down = inputs
                up[i].withUnsafeMutableBufferPointer { $0[k] += epsilon }
                down[i].withUnsafeMutableBufferPointer { $0[k] -= epsilon }
                let elementNumeric = (objective(up) - objective(down)) / (2 * epsilon)
                compare(grads[i].scalars[k], elementNumeric, "input \(i) element \(k)")
            }
        }
        return worst
    }
}

/// Random test tensors.
func randomTensor(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    return Tensor.uniform(shape, low: low, high: high, generator: &generator)
}
