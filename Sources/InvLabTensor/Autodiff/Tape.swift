/// A Wengert list of the differentiable operations of one gradient computation.
///
/// Operations append in execution order, which is a topological order, so the backward pass
/// is a single reverse loop. Some pullbacks capture their input `Var`s (to ask `isTracked`),
/// and a `Var` holds its tape, so a pullback can keep its own tape alive: every pullback is
/// therefore dropped once the backward pass ends (`releasePullbacks`), including those the pass
/// never reached (operations the output does not depend on), and `valueWithGradient` drops them
/// as well when the function throws before any backward pass. A tape and everything it holds
/// are then freed together when the computation ends: thousands of attack steps do not
/// accumulate memory. A tape is used by one thread and for one backward
/// pass; there is no global tape and no `.grad` field anywhere.
public final class Tape {
    struct Entry {
        var inputs: [Int]
        var pullback: ((Tensor) -> [Tensor?])?
        var shape: [Int]
    }

    var entries: [Entry] = []

    public init() {}

    /// Starts tracking `value`: gradients can be requested with respect to the returned `Var`.
    public func variable(_ value: Tensor) -> Var {
        entries.append(Entry(inputs: [], pullback: nil, shape: value.shape))
        return Var(value: value, tape: self, id: entries.count - 1)
    }

    func record(shape: [Int], inputs: [Int], pullback: @escaping (Tensor) -> [Tensor?]) -> Int {
        entries.append(Entry(inputs: inputs, pullback: pullback, shape: shape))
        return entries.count - 1
    }

    /// Reverse-mode gradients of `output` with respect to `variables`.
    ///
    /// `seed` is the gradient of the final objective with respect to `output`; it defaults to
    /// ones, i.e. the gradient of the sum of `output`'s elements. Variables that `output` does
    /// not depend on get zero gradients. Pullbacks are released as the pass proceeds.
    public func gradients(of output: Var, seed: Tensor? = nil, withRespectTo variables: [Var]) -> [Tensor] {
        var grads = [Tensor?](repeating: nil, count: entries.count)
        guard let root = output.tape, root === self else {
            releasePullbacks()
            return variables.map { Tensor(zeros: $0.shape) }
        }
        let seed = seed ?? Tensor(repeating: 1, shape: output.shape)
        precondition(seed.shape == output.shape, "gradient seed shape \(seed.shape) differs from output \(output.shape)")
        grads[output.id] = seed
        let lowest = variables.map(\.id).min() ?? 0
        let requested = Set(variables.map(\.id))
        var index = output.id
        while index >= lowest {
            defer { index -= 1 }
            guard let grad = grads[index], let pullback = entries[index].pullback else { continue }
            let inputGrads = pullback(grad)
            entries[index].pullback = nil
            if !requested.contains(index) { grads[index] = nil }
            for (input, inputGrad) in zip(entries[index].inputs, inputGrads) {
                guard let inputGrad else { continue }
                if grads[input] == nil {
                    grads[input] = inputGrad
                } else {
                    grads[input]!.add(inputGrad)
                }
            }
        }
        releasePullbacks()
        return variables.map { variable in
            precondition(variable.tape === self, "gradient requested for a variable of another tape")
            return grads[variable.id] ?? Tensor(zeros: variable.shape)
        }
    }

    /// Drops every pullback still held (they may capture `Var`s of this tape, a reference cycle).
    /// The tape cannot be differentiated again afterwards.
    func releasePullbacks() {
        for index in entries.indices where entries[index].pullback != nil { entries[index].pullback = nil }
    }
}

/// A tensor value inside a differentiable computation: either tracked by a tape (it depends on
/// a variable being differentiated) or a constant.
public struct Var {
    /// The forward value.
    public let value: Tensor
    let tape: Tape?
    let id: Int

    init(value: Tensor, tape: Tape?, id: Int) {
        self.value = value
        self.tape = tape
        self.id = id
    }

    /// A value that gradients do not flow into.
    public init(constant value: Tensor) {
        self.init(value: value, tape: nil, id: -1)
    }

    public var shape: [Int] { value.shape }
    public var rank: Int { value.rank }
    /// True when gradients flow through this value.
    public var isTracked: Bool { tape != nil }

    /// Records an operation whose result is `value`, computed from `inputs`. `pullback` maps the
    /// gradient of the result to the gradients of `inputs`, in order (nil for an input that needs
    /// none). Untracked inputs are skipped; if no input is tracked, the result is a constant.
    public static func record(_ value: Tensor, inputs: [Var],
                              pullback: @escaping (Tensor) -> [Tensor?]) -> Var {
        var tape: Tape?
        for input in inputs where input.tape != nil {
            if let existing = tape {
                precondition(existing === input.tape, "cannot combine variables of different tapes")
            }
            tape = input.tape
        }
        guard let tape else { return Var(constant: value) }
        let tracked = inputs.enumerated().filter { $0.element.tape != nil }
        let trackedPositions = tracked.map(\.offset)
        let id = tape.record(shape: value.shape, inputs: tracked.map(\.element.id)) { grad in
            let all = pullback(grad)
            return trackedPositions.map { all[$0] }
        }
        return Var(value: value, tape: tape, id: id)
    }

    /// The same value cut off from the tape (no gradient flows back through it).
    public var detached: Var { Var(constant: value) }
}

/// Value and gradient of a function of one tensor (the attack's entry point: the tensor is the
/// batch of images or latents). A non-scalar result is differentiated as the sum of its elements.
public func valueWithGradient(at x: Tensor, of f: (Var) throws -> Var) rethrows -> (value: Tensor, gradient: Tensor) {
    let (value, gradients) = try valueWithGradient(at: [x]) { try f($0[0]) }
    return (value, gradients[0])
}

/// Value and gradients of a function of several tensors (the training entry point: the tensors
/// are the parameters).
public func valueWithGradient(at xs: [Tensor], of f: ([Var]) throws -> Var) rethrows -> (value: Tensor, gradients: [Tensor]) {
    let tape = Tape()
    defer { tape.releasePullbacks() }  // also when `f` throws, which leaves the tape undifferentiated
    let variables = xs.map { tape.variable($0) }
    let output = try f(variables)
    return (output.value, tape.gradients(of: output, withRespectTo: variables))
}
