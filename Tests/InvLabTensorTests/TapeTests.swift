import InvLabTensor
import Testing

@Suite("Reverse-mode tape")
struct TapeTests {
    @Test("shared subexpressions accumulate gradients")
    func fanOut() {
        let x = Tensor(shape: [3], scalars: [1, 2, 3])
        let (value, gradient) = valueWithGradient(at: x) { v in (v * v + v * 3).sum() }
        #expect(value.scalar == 1 + 4 + 9 + 18)
        #expect(gradient.scalars == [5, 7, 9])
    }

    @Test("constants get no gradient and unrelated variables get zeros")
    func constantsAndUnused() {
        let (_, grads) = valueWithGradient(at: [Tensor([2]), Tensor([5])]) { v in (v[0] * Var(constant: Tensor([3]))).sum() }
        #expect(grads[0].scalars == [3])
        #expect(grads[1].scalars == [0])
    }

    /// Fuzz/regression/onnx/leak-311dea26cd0bbcdc: an ONNX model whose AveragePool has no
    /// kernel_shape threw in the middle of a forward pass; the tape was never differentiated, and
    /// pullbacks that capture their input `Var`s (which hold the tape) kept it alive for ever.
    @Test("a tape is freed when the function throws, or records operations the output does not use")
    func tapeFreed() {
        final class Sentinel {}
        struct Stop: Error {}
        /// Records `v * v` (whose pullback captures `v`, hence the tape) and an operation whose
        /// pullback holds `sentinel`, so that the sentinel lives exactly as long as the tape.
        func record(_ v: Var, _ sentinel: Sentinel) -> Var {
            let square = v * v
            return Var.record(square.value, inputs: [square]) { g in withExtendedLifetime(sentinel) { [g] } }
        }
        weak var afterThrow: Sentinel?, afterUnused: Sentinel?
        do {
            let sentinel = Sentinel()
            afterThrow = sentinel
            _ = try? valueWithGradient(at: Tensor([2])) { v -> Var in _ = record(v, sentinel); throw Stop() }
        }
        do {
            let sentinel = Sentinel()
            afterUnused = sentinel
            let (_, gradient) = valueWithGradient(at: Tensor([2])) { v in _ = record(v, sentinel); return (v * 3).sum() }
            #expect(gradient.scalars == [3])
        }
        #expect(afterThrow == nil, "the tape of a throwing function was not freed")
        #expect(afterUnused == nil, "the tape holding an operation off the output's path was not freed")
    }

    @Test("detached values stop the gradient")
    func detach() {
        let (_, g) = valueWithGradient(at: Tensor([2])) { v in (v * v.detached).sum() }
        #expect(g.scalars == [2])
    }

    @Test("a seeded generator is reproducible and forks independently")
    func random() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        #expect(Tensor.normal([10], generator: &a) == Tensor.normal([10], generator: &b))
        let f1 = a.fork("init"), f2 = a.fork("data")
        var g1 = f1, g2 = f2
        #expect(g1.next() != g2.next())
        var u = SeededGenerator(seed: 1)
        let samples = Tensor.uniform([10_000], generator: &u)
        #expect(abs(samples.mean() - 0.5) < 0.02)
        var nrm = SeededGenerator(seed: 1)
        let normal = Tensor.normal([10_000], generator: &nrm)
        #expect(abs(normal.mean()) < 0.05)
        #expect(abs((normal * normal).mean() - 1) < 0.05)
    }
}

@Suite("Tensor basics")
struct TensorBasicsTests {
    @Test("isFinite finds NaN and infinities anywhere")
    func finiteness() {
        #expect(Tensor(shape: [3], scalars: [1, -2, 3e38]).isFinite)
        for bad: Float in [.nan, .infinity, -.infinity] {
            var values = [Float](repeating: 0.5, count: 1000)
            values[777] = bad
            #expect(!Tensor(values).isFinite)
        }
        #expect(Tensor(zeros: [0]).isFinite)
    }

    @Test("copy on write: a copy does not see later writes")
    func copyOnWrite() {
        var a = Tensor([1, 2, 3])
        let b = a
        a[0] = 9
        #expect(b.scalars == [1, 2, 3] && a.scalars == [9, 2, 3])
    }
}
