// Differentiable reductions.

extension Var {
    /// Sum of all elements (a scalar).
    public func sum() -> Var {
        let s = shape
        return Var.record(Tensor(value.sum()), inputs: [self]) { g in [Tensor(repeating: g.scalars[0], shape: s)] }
    }

    /// Mean of all elements (a scalar).
    public func mean() -> Var { sum() / Float(Swift.max(value.count, 1)) }

    /// Sum over `axes`.
    public func sum(alongAxes axes: [Int], keepingDimensions: Bool = false) -> Var {
        let s = shape
        let keptShape = s.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
        return Var.record(value.sum(alongAxes: axes, keepingDimensions: keepingDimensions), inputs: [self]) { g in
            [Tensor.broadcastBinary(g.reshaped(keptShape), Tensor(zeros: s)) { a, _ in a }]
        }
    }

    /// Mean over `axes`.
    public func mean(alongAxes axes: [Int], keepingDimensions: Bool = false) -> Var {
        let n = axes.reduce(1) { $0 * shape[$1] }
        return sum(alongAxes: axes, keepingDimensions: keepingDimensions) / Float(Swift.max(n, 1))
    }

    /// Per-sample sum: reduces every axis but the first, giving shape `[N]`.
    public func sumPerSample() -> Var {
        rank <= 1 ? self : sum(alongAxes: Array(1..<rank))
    }
}
