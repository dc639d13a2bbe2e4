import Foundation
import InvLabONNX
import InvLabTensor

/// What the `onnx` fuzz target does with one input, shared by the libFuzzer binary
/// (scripts/fuzz.sh compiles this file into `fuzz-onnx`) and the corpus replay tests, so a
/// crashing input found by the fuzzer is replayed through exactly the same calls. Public API of
/// InvLabONNX only (the fuzzer's optimised build has no `@testable`).
///
/// One input is loaded as a serialized `ModelProto` with `ONNXModel(serialized:path:)`; when
/// that succeeds, the graph runs once on a small input (every graph input filled with a fixed
/// ramp of values in its declared shape, symbolic dimensions set to 1 and undeclared shapes to
/// [2, 3]) and the gradient of the sum of its outputs is taken with respect to the inputs, so
/// that the operators' forward and backward paths are fuzzed too. Models whose inputs would
/// hold more than `maximumInputElements` values are not run (`.tooLarge`).
///
/// The contract checked: loading and running either succeed or throw an `ONNXError` whose
/// message names the input; a trap crashes the process and any other error type, or a result
/// whose shapes disagree with its values, is a `FuzzViolation`.
enum ONNXFuzzHarness {
    /// How the loader and the executor treated an input.
    enum Outcome: Equatable {
        /// Loaded and ran (forward and input gradient).
        case accepted
        /// Loaded, but its inputs are too large to be run in a fuzzer.
        case tooLarge
        /// Refused with an `ONNXError` (its message), when loading or when running.
        case rejected(String)
    }

    /// The name every input is loaded under. Its directory cannot exist, so a model that asks for
    /// external data is refused the same way wherever the fuzzer runs.
    static let path = "/dev/null/fuzz-input"

    /// The largest total of input elements a model is run on.
    static let maximumInputElements = 4096

    static func run(_ data: Data) throws -> Outcome {
        do {
            let model = try ONNXModel(serialized: data, path: path)
            var shapes: [[Int]] = []
            var total = 0
            for name in model.inputNames {
                let shape = model.inputShapes[name].map { $0.map { $0 ?? 1 } } ?? [2, 3]
                var count = 1
                for dimension in shape {
                    let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
                    guard dimension >= 0, !overflow, product <= maximumInputElements else { return .tooLarge }
                    count = product
                }
                total += count
                guard total <= maximumInputElements else { return .tooLarge }
                shapes.append(shape)
            }
            let inputs = shapes.map { shape in
                let count = shape.reduce(1, *)
                return Tensor(shape: shape, scalars: (0..<count).map { Float($0 % 17) / 8 - 1 })
            }
            let (_, gradients) = try valueWithGradient(at: inputs) { variables in
                let outputs = try model.run(Dictionary(uniqueKeysWithValues: zip(model.inputNames, variables)))
                for (name, output) in outputs {
                    guard output.shape.allSatisfy({ $0 >= 0 }), output.shape.reduce(1, *) == output.value.count else {
                        throw FuzzViolation("output '\(name)' has shape \(output.shape) but \(output.value.count) values")
                    }
                }
                return model.outputNames.compactMap { outputs[$0] }.map { $0.sum() }.reduce(Var(constant: Tensor(shape: [], scalars: [0])), +)
            }
            for (input, gradient) in zip(inputs, gradients) where gradient.shape != input.shape {
                throw FuzzViolation("the gradient has shape \(gradient.shape), its input \(input.shape)")
            }
            return .accepted
        } catch let error as ONNXError {
            guard error.message.hasPrefix(path), error.message.count > path.count + 2 else {
                throw FuzzViolation("error does not name the input or says nothing: \(error)")
            }
            return .rejected(error.message)
        } catch let violation as FuzzViolation {
            throw violation
        } catch {
            throw FuzzViolation("threw \(type(of: error)) instead of ONNXError: \(error)")
        }
    }
}

/// The loader or the executor broke its contract on a fuzz input (the fuzz target turns this into a crash).
struct FuzzViolation: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
