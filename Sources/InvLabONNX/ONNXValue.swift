import Foundation
import InvLabTensor

/// An integer tensor (shapes, axes, pads): ONNX passes these as INT64 tensors, and they must stay
/// exact, so they are kept apart from the engine's `Float` tensors.
public struct IntegerTensor: Equatable, Sendable {
    public var shape: [Int]
    public var values: [Int64]

    public init(shape: [Int], values: [Int64]) {
        self.shape = shape
        self.values = values
    }
}

/// A constant of an ONNX model (initializer or `Constant` node): floating-point data become an
/// engine `Tensor` (FLOAT as is, DOUBLE rounded to Float), integer data an `IntegerTensor`.
public enum ONNXValue: Equatable, Sendable {
    case float(Tensor)
    case integers(IntegerTensor)

    /// The shape of either kind.
    public var shape: [Int] {
        switch self {
        case .float(let tensor): tensor.shape
        case .integers(let integers): integers.shape
        }
    }
}
